package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the real jar as a process, as a CronJob would, with every log on, and reads every byte it
 * prints: the ECR token (whose value the AWS peer makes known) and the AWS keys appear nowhere.
 */
@ExtendWith(SandboxExtension.class)
class TokenSecrecyIT {

  @Test
  void noRunPrintsTheTokenOrAKey(Sandbox sandbox) throws Exception {
    String registry = sandbox.registry().ecrHost();
    String password = AwsPeer.ecrPassword(AwsPeer.ACCOUNT);
    String token = b64("AWS:" + password);
    var keys =
        sandbox
            .aws()
            .createUser("secrecy", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      kube.resource(
              new NamespaceBuilder().withNewMetadata().withName("secrecy").endMetadata().build())
          .create();
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("keys")
                  .withNamespace("secrecy")
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "AWS_ACCESS_KEY_ID",
                          keys.accessKeyId(),
                          "AWS_SECRET_ACCESS_KEY",
                          keys.secretAccessKey()))
                  .build())
          .create();
    }
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));

    var output = new StringBuilder();
    String endpoint = registry + "=http://" + sandbox.registry().address();
    output.append(jar(sandbox, "refresh", "-n", "secrecy", "-r", registry, "--no-link"));
    output.append(
        jar(sandbox, "refresh", "-n", "secrecy", "-r", registry, "--no-link", "-o", "json"));
    output.append(
        jar(
            sandbox,
            "refresh",
            "-n",
            "secrecy",
            "-r",
            registry,
            "--no-link",
            "--aws-credentials-secret",
            "secrecy/keys"));
    output.append(jar(sandbox, "status", "-n", "secrecy", "-o", "json"));
    output.append(jar(sandbox, "verify", "-n", "secrecy", "--registry-endpoint", endpoint));
    output.append(
        jar(sandbox, "verify", "-n", "secrecy", "--registry-endpoint", endpoint, "-o", "json"));
    sandbox.aws().injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "access-denied"));
    try {
      output.append(jar(sandbox, "refresh", "-n", "secrecy", "-r", registry, "--no-link"));
    } finally {
      sandbox.aws().clearFaults();
    }

    String all = output.toString();
    assertThat(all)
        .as("the runs printed their reports and logs")
        .contains("Created secret secrecy/ecr-pull-secret", "authenticated", "AWS denied");
    assertThat(all)
        .doesNotContain(
            password,
            token,
            keys.secretAccessKey(),
            sandbox.aws().adminCredentials().secretAccessKey());
  }

  private static String jar(Sandbox sandbox, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of("target/ecr-secret-operator.jar");
    assertThat(jar).exists();
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(sandbox.environment());
    builder.environment().put("ECR_LOG_LEVEL", "TRACE");
    Process process = builder.start();
    byte[] bytes = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return "$ " + String.join(" ", args) + "\n" + new String(bytes, StandardCharsets.UTF_8);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
