package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class StatusAndVerifyIT {

  private static void namespace(KubernetesClient kube, String name) {
    kube.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  @Test
  void statusFlagsSecretsNearExpiryAndSaysSoInItsExitCode(Sandbox sandbox) {
    String registry = sandbox.registry().ecrHost();
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      namespace(kube, "status-ok");
      namespace(kube, "status-soon");
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      kube.serviceAccounts()
          .inNamespace("status-ok")
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("app")
                  .endMetadata()
                  .build())
          .create();
      assertThat(
              CliRun.run(
                      sandbox,
                      "refresh",
                      "-n",
                      "status-ok",
                      "-r",
                      registry,
                      "--service-account",
                      "app",
                      "--builder-link",
                      "never")
                  .exitCode())
          .isZero();
      sandbox.aws().tokenExpiresIn(Duration.ofMinutes(30));
      assertThat(
              CliRun.run(sandbox, "refresh", "-n", "status-soon", "-r", registry, "--no-link")
                  .exitCode())
          .isZero();
    }

    var healthy = CliRun.run(sandbox, "status", "-n", "status-ok");
    assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
    assertThat(healthy.out()).contains("status-ok", "ecr-pull-secret", "OK", "11h");
    assertThat(healthy.out()).as("who keeps it, and who names it").contains("OWNER", "CLI", "app");

    var all = CliRun.run(sandbox, "status", "-n", "status-*", "--warn-within", "1h");
    assertThat(all.exitCode()).isEqualTo(1);
    assertThat(all.out()).contains("EXPIRING").contains("status-soon");

    var json = CliRun.run(sandbox, "status", "-n", "status-*", "-o", "json");
    assertThat(json.out())
        .contains("\"needsAttention\" : true", "\"state\" : \"EXPIRING\"", "\"state\" : \"OK\"");
    assertThat(json.out())
        .as("registries is an array, as in refresh's JSON")
        .contains("\"registries\" : [ \"" + registry + "\" ]");
    assertThat(json.out())
        .contains("\"owner\" : \"CLI\"", "\"linkedServiceAccounts\" : [ \"app\" ]");
  }

  @Test
  void aNamespaceThatDoesNotExistOrHoldsNoSecretFailsTheCheck(Sandbox sandbox) {
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      namespace(kube, "status-empty");
    }
    var typo = CliRun.run(sandbox, "status", "-n", "status-typo-nosuchns");
    assertThat(typo.exitCode()).as(typo.toString()).isEqualTo(1);
    assertThat(typo.err()).contains("namespace status-typo-nosuchns does not exist");
    var empty = CliRun.run(sandbox, "status", "-n", "status-empty", "-o", "json");
    assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(1);
    assertThat(empty.out()).contains("holds no pull secret managed by ecr-secret-operator");
  }

  @Test
  void verifyLogsInToTheRegistryWithTheSecretAndFailsWhenItNoLongerWorks(Sandbox sandbox) {
    String registry = sandbox.registry().ecrHost();
    String endpoint = registry + "=http://" + sandbox.registry().address();
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      namespace(kube, "verify");
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      assertThat(
              CliRun.run(sandbox, "refresh", "-n", "verify", "-r", registry, "--no-link")
                  .exitCode())
          .isZero();

      var good = CliRun.run(sandbox, "verify", "-n", "verify", "--registry-endpoint", endpoint);
      assertThat(good.exitCode()).as(good.toString()).isZero();
      assertThat(good.out()).contains(registry, "ok", "authenticated");

      // a pull proven: the image is there; one that is not is said so, with the registry's answer
      var pull =
          CliRun.run(
              sandbox,
              "verify",
              "-n",
              "verify",
              "--registry-endpoint",
              endpoint,
              "--image",
              io.ecrsecret.sandbox.RegistryPeer.IMAGE);
      assertThat(pull.exitCode()).as(pull.toString()).isZero();
      assertThat(pull.out()).contains("found, digest sha256:");
      var notThere =
          CliRun.run(
              sandbox,
              "verify",
              "-n",
              "verify",
              "--registry-endpoint",
              endpoint,
              "--image",
              "sandbox/not-pushed:1.0");
      assertThat(notThere.exitCode()).as(notThere.toString()).isEqualTo(1);
      assertThat(notThere.out()).contains("FAILED", "not found");
      var elsewhere =
          CliRun.run(
              sandbox, "verify", "-n", "verify", "--image", "registry.test/sandbox/hello:latest");
      assertThat(elsewhere.exitCode()).isEqualTo(1);
      assertThat(elsewhere.err()).contains("holds no credentials for registry.test");

      // the token goes stale: the registry must say no, and verify with it
      String stale =
          DockerConfigJson.render(
              Map.of(
                  registry, new RegistryCredentials("AWS", "an-expired-token", Optional.empty())));
      kube.secrets()
          .inNamespace("verify")
          .withName("ecr-pull-secret")
          .edit(
              s ->
                  new SecretBuilder(s)
                      .withData(
                          Map.of(
                              DockerConfigJson.KEY,
                              Base64.getEncoder()
                                  .encodeToString(stale.getBytes(StandardCharsets.UTF_8))))
                      .build());
    }
    var bad =
        CliRun.run(
            sandbox, "verify", "-n", "verify", "--registry-endpoint", endpoint, "-o", "json");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.out())
        .contains("\"authenticated\" : false", "rejected")
        .doesNotContain("an-expired-token");

    var missing = CliRun.run(sandbox, "verify", "-n", "verify", "-s", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("secret verify/nope does not exist");
  }
}
