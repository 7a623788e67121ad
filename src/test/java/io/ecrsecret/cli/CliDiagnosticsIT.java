package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar, as a person runs it, against kubeconfigs that are wrong in the usual ways: each
 * error names what is at fault and what to do, and exits non-zero.
 */
@ExtendWith(SandboxExtension.class)
class CliDiagnosticsIT {

  @Test
  void aTokenTheApiServerRefusesIsSaidToBeRefused(Sandbox sandbox, @TempDir Path dir)
      throws Exception {
    Config admin = Config.fromKubeconfig(sandbox.kubernetes().kubeconfigYaml());
    Path kubeconfig = dir.resolve("bad-token.yaml");
    Files.writeString(kubeconfig, kubeconfig(admin.getMasterUrl(), caData(admin), "bogus"));

    var run = jar(sandbox, Map.of("KUBECONFIG", kubeconfig.toString()), "status", "-n", "default");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("did not accept the credentials (HTTP 401)");
  }

  @Test
  void aClosedPortIsSaidToRefuseTheConnection(Sandbox sandbox, @TempDir Path dir) throws Exception {
    int closed;
    try (var socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Config admin = Config.fromKubeconfig(sandbox.kubernetes().kubeconfigYaml());
    Path kubeconfig = dir.resolve("closed-port.yaml");
    Files.writeString(
        kubeconfig, kubeconfig("https://127.0.0.1:" + closed, caData(admin), "bogus"));

    long start = System.nanoTime();
    var run = jar(sandbox, Map.of("KUBECONFIG", kubeconfig.toString()), "status", "-n", "default");
    var took = java.time.Duration.ofNanos(System.nanoTime() - start);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("cannot reach the Kubernetes API", "127.0.0.1:" + closed)
        .doesNotContain(": null");
    // the client's default retries (10, backing off from 100 ms) kept a person waiting ~20 s
    assertThat(took)
        .as("a refused connection is said quickly")
        .isLessThan(java.time.Duration.ofSeconds(10));
  }

  @Test
  void versionIsThePomsVersion(Sandbox sandbox) throws Exception {
    var run = jar(sandbox, Map.of(), "--version");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().strip())
        .isEqualTo("ecr-secret-operator " + io.ecrsecret.testing.ProjectVersion.fromPom());
  }

  @Test
  void aMissingKubeconfigIsNamed(Sandbox sandbox, @TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nowhere.yaml");
    var run = jar(sandbox, Map.of("KUBECONFIG", missing.toString()), "status", "-n", "default");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("KUBECONFIG names " + missing + ", which does not exist");
  }

  @Test
  void anEmptyKubeconfigIsSaidToBeEmpty(Sandbox sandbox, @TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
    var run = jar(sandbox, Map.of("KUBECONFIG", empty.toString()), "status", "-n", "default");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("the kubeconfig " + empty + " is empty")
        .doesNotContain("getContexts", "null");
  }

  private static String caData(Config config) throws IOException {
    if (config.getCaCertData() != null) {
      return config.getCaCertData();
    }
    return java.util.Base64.getEncoder()
        .encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
  }

  private static String kubeconfig(String server, String caData, String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: sandbox
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: someone
            user:
              token: %s
        contexts:
          - name: someone
            context:
              cluster: sandbox
              user: someone
        current-context: someone
        """
        .formatted(server, caData, token);
  }

  record Run(int exitCode, String output) {}

  private static Run jar(Sandbox sandbox, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of("target/ecr-secret-operator.jar");
    assertThat(jar).exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(sandbox.environment());
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] bytes = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
  }
}
