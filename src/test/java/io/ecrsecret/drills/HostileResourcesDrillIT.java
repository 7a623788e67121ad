package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.SecretReference;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 malformed or hostile resources at once: those the schema can catch are refused at
 * admission; those it cannot (missing keys, foreign secrets, roles not allowed) fail in status; the
 * operator keeps serving the good one.
 */
@ExtendWith(SandboxExtension.class)
class HostileResourcesDrillIT {

  @Test
  void aThousandBadResourcesDoNotStopTheGoodOne(Sandbox sandbox) throws Exception {
    // tokens that last, whatever test ran before (the emulator's own expired in 2015)
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      for (String ns : List.of("hostile", "good")) {
        TestCluster.namespace(kube, ns, Map.of());
      }
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("taken")
                  .withNamespace("hostile")
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .withStringData(Map.of(".dockerconfigjson", "{\"auths\":{}}"))
                  .build())
          .create();
      var config = TestOperatorConfig.named("hostile").retryBackoff(Duration.ofSeconds(5)).build();
      try (var client = OperatorIdentity.client(sandbox.kubernetes());
          var operator =
              EcrSecretOperator.start(
                  config,
                  client,
                  Clock.systemUTC(),
                  new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
        var pool = Executors.newFixedThreadPool(8);
        List<Integer> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
          var futures =
              IntStream.range(0, 1000)
                  .mapToObj(
                      i ->
                          pool.submit(
                              () -> {
                                try {
                                  kube.resource(hostile(i)).create();
                                } catch (KubernetesClientException e) {
                                  refused.add(e.getCode());
                                }
                              }))
                  .toList();
          kube.resource(good()).create();
          long t0 = System.nanoTime();
          for (var f : futures) {
            f.get();
          }
          await().atMost(Duration.ofSeconds(120)).until(() -> ready(kube, "good", "good", "True"));
          System.out.println(
              "good resource Ready "
                  + Duration.ofNanos(System.nanoTime() - t0).toMillis()
                  + " ms after 1,000 hostile ones were applied");
        } finally {
          pool.shutdown();
        }
        assertThat(refused).as("refused at admission").hasSize(250).allMatch(code -> code == 422);
        await()
            .atMost(Duration.ofSeconds(180))
            .until(
                () ->
                    kube
                        .resources(EcrPullSecret.class)
                        .inNamespace("hostile")
                        .list()
                        .getItems()
                        .stream()
                        .allMatch(
                            r ->
                                r.getStatus() != null
                                    && r.getStatus().getConditions().stream()
                                        .anyMatch(
                                            c ->
                                                c.getType().equals("Ready")
                                                    && c.getStatus().equals("False"))));
        var reasons =
            kube.resources(EcrPullSecret.class).inNamespace("hostile").list().getItems().stream()
                .map(r -> r.getStatus().getConditions().get(0).getReason())
                .distinct()
                .toList();
        assertThat(reasons)
            .containsExactlyInAnyOrder(
                "CredentialsSecretUnusable", "SecretNotManaged", "IdentityNotAllowed");
        assertThat(kube.secrets().inNamespace("hostile").withName("taken").get().getData())
            .containsOnlyKeys(".dockerconfigjson");
        assertThatThrownBy(() -> kube.resource(hostile(0)).create())
            .isInstanceOf(KubernetesClientException.class);
        kube.resources(EcrPullSecret.class).inNamespace("hostile").delete();
        kube.resources(EcrPullSecret.class).inNamespace("good").delete();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class)
                        .inAnyNamespace()
                        .list()
                        .getItems()
                        .isEmpty());
      }
    }
  }

  /**
   * A tenant's tricks at once: 50 key ids that would forge log lines, 50 adopters of a secret
   * another resource keeps. Each fails in status with a clean, bounded message; what others keep is
   * not touched.
   */
  @Test
  void aTenantsTricksFailInStatusAndTouchNothingOthersKeep(Sandbox sandbox) throws Exception {
    // tokens that last, whatever test ran before (the emulator's own expired in 2015)
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, "tricks", Map.of());
      var config = TestOperatorConfig.named("tricks").retryBackoff(Duration.ofSeconds(5)).build();
      try (var client = OperatorIdentity.client(sandbox.kubernetes());
          var operator =
              EcrSecretOperator.start(
                  config,
                  client,
                  Clock.systemUTC(),
                  new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
        var first = trick("first", sandbox);
        first.getSpec().setSecretName("shared");
        kube.resource(first).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(kube, "tricks", "first", "True"));
        var shared = kube.secrets().inNamespace("tricks").withName("shared").get();
        for (int i = 0; i < 50; i++) {
          kube.resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("forged-" + i)
                      .withNamespace("tricks")
                      .endMetadata()
                      .withStringData(
                          Map.of(
                              "AWS_ACCESS_KEY_ID",
                              "AKIA\r\n2026-12-01 INFO Ready: forged "
                                  + i
                                  + "\n"
                                  + "A".repeat(5000),
                              "AWS_SECRET_ACCESS_KEY",
                              "x"))
                      .build())
              .create();
          var forged = trick("forged-" + i, sandbox);
          var aws = new AwsIdentitySpec();
          var ref = new SecretReference();
          ref.setName("forged-" + i);
          aws.setCredentialsSecret(ref);
          forged.getSpec().setAws(aws);
          kube.resource(forged).create();
          var thief = trick("thief-" + i, sandbox);
          thief.getSpec().setSecretName("shared");
          thief.getSpec().setAdopt(true);
          kube.resource(thief).create();
        }
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    kube
                            .resources(EcrPullSecret.class)
                            .inNamespace("tricks")
                            .list()
                            .getItems()
                            .stream()
                            .filter(r -> !r.getMetadata().getName().equals("first"))
                            .filter(r -> ready(kube, "tricks", r.getMetadata().getName(), "False"))
                            .count()
                        == 100);
        for (var r : kube.resources(EcrPullSecret.class).inNamespace("tricks").list().getItems()) {
          if (r.getMetadata().getName().equals("first")) {
            continue;
          }
          var condition = r.getStatus().getConditions().get(0);
          assertThat(condition.getReason())
              .isEqualTo(
                  r.getMetadata().getName().startsWith("forged")
                      ? "CredentialsSecretUnusable"
                      : "SecretOwnedElsewhere");
          assertThat(condition.getMessage())
              .doesNotContain("\r", "\n", "AAAAAAAAAA")
              .hasSizeLessThan(1100);
        }
        var after = kube.secrets().inNamespace("tricks").withName("shared").get();
        assertThat(after.getMetadata().getResourceVersion())
            .isEqualTo(shared.getMetadata().getResourceVersion());
        assertThat(ready(kube, "tricks", "first", "True")).isTrue();
        kube.resources(EcrPullSecret.class).inNamespace("tricks").delete();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class)
                        .inNamespace("tricks")
                        .list()
                        .getItems()
                        .isEmpty());
        assertThat(kube.secrets().inNamespace("tricks").withName("shared").get())
            .as("removed with its owner, not before")
            .isNull();
      }
    }
  }

  private static EcrPullSecret trick(String name, Sandbox sandbox) {
    var r = new EcrPullSecret();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace("tricks");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setServiceAccounts(List.of());
    r.setSpec(spec);
    return r;
  }

  /**
   * Four kinds of bad: a schema violation (refused), missing keys, a foreign secret, a forbidden
   * role.
   */
  private static EcrPullSecret hostile(int i) {
    var r = new EcrPullSecret();
    r.getMetadata().setName("hostile-" + i);
    r.getMetadata().setNamespace("hostile");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
    spec.setSecretName("s-" + i);
    switch (i % 4) {
      case 0 ->
          spec.setRegistries(new ArrayList<>(java.util.Collections.nCopies(40, "x".repeat(200))));
      case 1 -> {
        var aws = new AwsIdentitySpec();
        var ref = new SecretReference();
        ref.setName("missing-keys-" + i);
        aws.setCredentialsSecret(ref);
        spec.setAws(aws);
      }
      case 2 -> spec.setSecretName("taken");
      default -> {
        var aws = new AwsIdentitySpec();
        aws.setRoleArn("arn:aws:iam::999999999999:role/someone-elses-" + i);
        spec.setAws(aws);
      }
    }
    r.setSpec(spec);
    return r;
  }

  private static EcrPullSecret good() {
    var r = new EcrPullSecret();
    r.getMetadata().setName("good");
    r.getMetadata().setNamespace("good");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
    r.setSpec(spec);
    return r;
  }

  private static boolean ready(KubernetesClient kube, String ns, String name, String status) {
    var r = kube.resources(EcrPullSecret.class).inNamespace(ns).withName(name).get();
    return r != null
        && r.getStatus() != null
        && r.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals(status));
  }
}
