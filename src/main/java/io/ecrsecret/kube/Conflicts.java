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

  static <T> T retry(Supplier<T> readDecideWrite) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readDecideWrite.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
