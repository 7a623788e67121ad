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
    // every token has a password of its own: each one written is collected after its run
    var written = new java.util.LinkedHashSet<String>();
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
    written.addAll(tokenIn(sandbox, registry));
    output.append(
        jar(sandbox, "refresh", "-n", "secrecy", "-r", registry, "--no-link", "-o", "json"));
    written.addAll(tokenIn(sandbox, registry));
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
    written.addAll(tokenIn(sandbox, registry));
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
    assertThat(written)
        .as("the passwords and auth strings the runs wrote")
        .hasSizeGreaterThanOrEqualTo(4);
    assertThat(all)
        .doesNotContain(written)
        .doesNotContain(keys.secretAccessKey(), sandbox.aws().adminCredentials().secretAccessKey());
  }

  /** The password and the auth string in the secret the runs keep. */
  private static java.util.List<String> tokenIn(Sandbox sandbox, String registry)
      throws IOException {
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      var secret = kube.secrets().inNamespace("secrecy").withName("ecr-pull-secret").get();
      var json =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(
                  new String(
                      java.util.Base64.getDecoder()
                          .decode(secret.getData().get(".dockerconfigjson")),
                      java.nio.charset.StandardCharsets.UTF_8));
      var entry = json.path("auths").path(registry);
      return java.util.List.of(entry.path("password").asText(), entry.path("auth").asText());
    }
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
}
