package io.ecrsecret.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * Read, decide, write; and again when someone else wrote in between (the write, conditional on the
 * resource version read, answered 409), up to {@value #ATTEMPTS} times.
 */
final class Conflicts {

  static final int ATTEMPTS = 5;

  private Conflicts() {}

  private static void pause(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a conflicting write", e);
    }
  }

  static <T> T retry(Supplier<T> readDecideWrite) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readDecideWrite.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
        // many writers of one object (resources linking one account): spread the next reads
        pause(attempt);
      }
    }
  }
}
