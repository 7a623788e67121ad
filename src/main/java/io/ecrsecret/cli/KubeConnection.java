package io.ecrsecret.cli;

import io.ecrsecret.core.DisplayText;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Finds the Kubernetes connection the way kubectl does ({@code KUBECONFIG}, else {@code
 * ~/.kube/config}, else the in-cluster service account) and says plainly which file is missing or
 * unreadable, before anything is sent: without this the client falls back to {@code
 * kubernetes.default.svc} and fails with an address error that names no file.
 */
final class KubeConnection {

  static final Path IN_CLUSTER_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** A connection that cannot be made; the message says what to do. */
  static final class KubeconfigException extends RuntimeException {
    KubeconfigException(String message) {
      super(message, null, false, false);
    }
  }

  private KubeConnection() {}

  /** The API server the last connection was made to, for messages. */
  private static volatile String server;

  static java.util.Optional<String> server() {
    return java.util.Optional.ofNullable(server);
  }

  static KubernetesClient connect(Map<String, String> env) {
    List<Path> files = kubeconfigFiles(env);
    List<Path> present = files.stream().filter(Files::isRegularFile).toList();
    boolean inCluster =
        env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isRegularFile(IN_CLUSTER_TOKEN);
    if (present.isEmpty() && !inCluster) {
      throw new KubeconfigException(
          (env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()
                  ? "KUBECONFIG names " + describe(files) + ", which does not exist"
                  : "no kubeconfig at " + describe(files))
              + ", and this is not a pod in a cluster. Point KUBECONFIG at a kubeconfig file"
              + " (kubectl config view --minify shows the current one)");
    }
    for (Path file : present) {
      if (blank(file)) {
        throw new KubeconfigException(
            "the kubeconfig "
                + file
                + " is empty. Point KUBECONFIG at a kubeconfig file (kubectl config view"
                + " --minify shows the current one)");
      }
    }
    Config config;
    try {
      for (Path file : present) {
        // parsed alone first, so that an error names its file
        Config.fromKubeconfig(file.toFile());
      }
      config = Config.autoConfigure(null);
    } catch (RuntimeException e) {
      throw new KubeconfigException(
          "cannot read the kubeconfig "
              + describe(present)
              + ": "
              + DisplayText.clean(rootMessage(e), 300)
              + ". Check that it is a kubeconfig (kubectl config view)");
    }
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new KubeconfigException(
          "the kubeconfig "
              + describe(present)
              + " names no cluster server for its current context");
    }
    // over HTTP/2 the API server answers a refused token with GOAWAY, which the JDK client
    // reports as a lost connection instead of the 401 it is; one-shot runs gain nothing from it
    config.setHttp2Disable(true);
    // a person waits for the answer: a few quick retries for a blip, not the client's default of
    // ten backing off from 100 ms (about 20 s before a refused connection is said)
    config.setRequestRetryBackoffLimit(3);
    config.setRequestRetryBackoffInterval(200);
    server = config.getMasterUrl();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static List<Path> kubeconfigFiles(Map<String, String> env) {
    String value = env.get("KUBECONFIG");
    if (value != null && !value.isBlank()) {
      return Arrays.stream(value.split(File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .toList();
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return List.of(Path.of(home, ".kube", "config"));
  }

  private static String describe(List<Path> files) {
    return files.size() == 1 ? files.get(0).toString() : files.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof NullPointerException) {
      // the client's parser met a document without what a kubeconfig has (clusters, contexts)
      return "it holds no kubeconfig (no clusters, contexts or users)";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static boolean blank(Path file) {
    try {
      return Files.readString(file).isBlank();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return false; // unreadable: the parser says why
    }
  }
}
