package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.LoopbackProxy;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behind a proxy (a VPC without NAT): what the Kubernetes client and the AWS SDK honour, as
 * docs/do-you-need-this.md says. The real jar refreshes through a proxy on loopback, which records
 * what it was asked to reach.
 */
@ExtendWith(SandboxExtension.class)
class ProxyIT {

  private static final String NS = "proxied";

  @BeforeAll
  static void namespace(Sandbox sandbox) {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.namespace(kube, NS, Map.of());
    }
  }

  @Test
  void theAwsSdkHonoursTheJvmProxyProperties(Sandbox sandbox) throws Exception {
    try (var proxy = LoopbackProxy.start()) {
      var run =
          jar(
              sandbox,
              Map.of(
                  "JAVA_TOOL_OPTIONS",
                  "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort="
                      + proxy.port()
                      + " -Dhttp.nonProxyHosts=none.invalid"));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.targets())
          .as("ECR and STS were asked through the proxy")
          .contains("POST 127.0.0.1:" + sandbox.aws().endpoint().getPort());
    }
  }

  @Test
  void theKubernetesClientHonoursHttpsProxyAndNoProxy(Sandbox sandbox) throws Exception {
    int apiServer = sandbox.node().apiServerPort();
    try (var proxy = LoopbackProxy.start()) {
      var run =
          jar(
              sandbox,
              Map.of(
                  "HTTPS_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "none.invalid"));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.targets())
          .as("the API server was reached through the proxy")
          .contains("CONNECT 127.0.0.1:" + apiServer);
    }
    try (var proxy = LoopbackProxy.start()) {
      var run =
          jar(
              sandbox,
              Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "127.0.0.1"));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.targets()).as("NO_PROXY keeps the API server out of the proxy").isEmpty();
    }
  }

  @Test
  void theAwsSdkHonoursTheProxyEnvironmentVariablesToo(Sandbox sandbox) throws Exception {
    try (var proxy = LoopbackProxy.start()) {
      var run =
          jar(
              sandbox,
              Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "none.invalid"));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(proxy.targets())
          .as("ECR and STS were asked through the proxy the environment names")
          .contains("POST 127.0.0.1:" + sandbox.aws().endpoint().getPort());
    }
  }

  record Run(int exitCode, String output) {}

  private static Run jar(Sandbox sandbox, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            Path.of("target/ecr-secret-operator.jar").toString(),
            "refresh",
            "-n",
            NS,
            "-r",
            sandbox.registry().ecrHost(),
            "--no-link");
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(sandbox.environment());
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
