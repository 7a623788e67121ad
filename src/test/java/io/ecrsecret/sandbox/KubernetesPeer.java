package io.ecrsecret.sandbox;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real kube-apiserver and etcd, started by fabric8 kube-api-test from the binaries that {@code
 * scripts/k8s-binaries} provides (never downloaded from here: offline mode).
 */
public final class KubernetesPeer implements KubernetesCluster {

  private final KubeAPIServer server;
  private final Path kubeconfig;

  private KubernetesPeer(KubeAPIServer server, Path kubeconfig) {
    this.server = server;
    this.kubeconfig = kubeconfig;
  }

  /**
   * kube-api-test's configuration for this project. Version 7.5.2 crashes on boolean/integer
   * options read from its environment variables, so every option is set here in code.
   */
  static KubeAPIServerConfig config() {
    return KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withTestDir(
            System.getenv()
                .getOrDefault(
                    "KUBEAPITEST_DIR",
                    Path.of(System.getProperty("user.home"), ".kubeapitest").toString()))
        .withStartupTimeout(120_000)
        .withUpdateKubeConfig(false)
        .withWaitForEtcdHealthCheckOnStartup(true)
        // loopback only (etcd is bound to loopback by the wrapper scripts/k8s-binaries installs)
        .withApiServerFlag("--bind-address", "127.0.0.1")
        // in a network namespace with only loopback there is no default route to pick one from
        .withApiServerFlag("--advertise-address", "127.0.0.1")
        .build();
  }

  @Override
  public Path serviceAccountSigningKey() {
    return Path.of(config().getKubeAPITestDir(), "apiserver.key");
  }

  static KubernetesPeer start(Path stateDir) {
    var server = new KubeAPIServer(config());
    try {
      server.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "The Kubernetes API server did not start ("
              + e.getMessage()
              + "). Provide its binaries with scripts/k8s-binaries (or scripts/setup).",
          e);
    }
    try {
      Path kubeconfig = stateDir.resolve("kubeconfig");
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
      return new KubernetesPeer(server, kubeconfig);
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  @Override
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml()))
        .build();
  }

  @Override
  public KubernetesClient clientImpersonating(String user, String... groups) {
    Config config = Config.fromKubeconfig(kubeconfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    server.stop();
  }
}
