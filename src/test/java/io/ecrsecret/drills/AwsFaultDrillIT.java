package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.MutableClock;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault drills against AWS: throttling storms, 5xx, dropped connections and an endpoint that never
 * answers, each outlasting every retry, when a refresh is due. The secret must stay, valid, the
 * whole time; the status must say why; and the refresh must happen once AWS answers again.
 */
@ExtendWith(SandboxExtension.class)
class AwsFaultDrillIT {

  @ParameterizedTest
  @ValueSource(strings = {"throttle", "unavailable", "server-error", "drop", "unreachable"})
  void aFaultLongerThanTheRetryBudgetLosesNoSecret(String fault, Sandbox sandbox) throws Exception {
    String ns = "drill-" + fault;
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, ns, Map.of());
      var clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
      Instant expiry = clock.instant().plus(Duration.ofHours(12));
      sandbox.aws().tokenExpiresAt(expiry);
      var config =
          TestOperatorConfig.named("drill")
              .watching(List.of(ns))
              .maxReconcileInterval(Duration.ofSeconds(2))
              .build();
      try (var client = OperatorIdentity.client(sandbox.kubernetes());
          var operator =
              EcrSecretOperator.start(
                  config,
                  client,
                  clock,
                  new AwsClientSettings(3, Duration.ofSeconds(3), Duration.ofSeconds(10)))) {
        var resource = new EcrPullSecret();
        resource.getMetadata().setName("pull");
        resource.getMetadata().setNamespace(ns);
        var spec = new EcrPullSecret.Spec();
        spec.setRegistries(List.of(sandbox.registry().ecrHost()));
        resource.setSpec(spec);
        kube.resource(resource).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(kube, ns, "True"));
        String before =
            kube.secrets()
                .inNamespace(ns)
                .withName("ecr-pull-secret")
                .get()
                .getMetadata()
                .getResourceVersion();

        // the refresh is due, and AWS keeps failing through every retry
        // unreachable: no answer at all (a black-holed endpoint), so every attempt times out
        sandbox
            .aws()
            .injectFaults(
                fault.equals("unreachable")
                    ? AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "slow")
                        .delay(Duration.ofSeconds(60))
                    : AwsPeer.Fault.of("ecr", "GetAuthorizationToken", fault));
        clock.set(expiry.minus(Duration.ofHours(2)));
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(kube, ns, "False"));
        String reason = reason(kube, ns);
        assertThat(reason).isIn("Throttled", "EndpointUnreachable", "AwsError");
        if (fault.equals("unreachable")) {
          assertThat(reason).isEqualTo("EndpointUnreachable");
        }
        for (int i = 0; i < 5; i++) {
          clock.advance(Duration.ofMinutes(10));
          Thread.sleep(1_000);
          Secret kept = kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get();
          assertThat(kept).as("the secret stays").isNotNull();
          assertThat(kept.getMetadata().getResourceVersion())
              .as("and is not touched")
              .isEqualTo(before);
          assertThat(Instant.parse(ManagedMarkers.annotation(kept, ManagedMarkers.EXPIRES_AT)))
              .as("and still valid")
              .isAfter(clock.instant());
        }

        // AWS answers again: a fresh token, Ready again
        Instant newExpiry = clock.instant().plus(Duration.ofHours(12));
        sandbox.aws().tokenExpiresAt(newExpiry);
        sandbox.aws().clearFaults();
        // time passes: the identity's shared backoff (on the operator's clock) runs out
        clock.advance(io.ecrsecret.aws.TokenCache.MAX_BACKOFF);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    newExpiry
                        .toString()
                        .equals(
                            ManagedMarkers.annotation(
                                kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get(),
                                ManagedMarkers.EXPIRES_AT)));
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(kube, ns, "True"));
        kube.resource(resource).delete();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class).inNamespace(ns).withName("pull").get()
                        == null);
      } finally {
        sandbox.aws().clearFaults();
        sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      }
    }
  }

  static boolean ready(KubernetesClient kube, String ns, String status) {
    var r = kube.resources(EcrPullSecret.class).inNamespace(ns).withName("pull").get();
    return r != null
        && r.getStatus() != null
        && r.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals(status));
  }

  static String reason(KubernetesClient kube, String ns) {
    return kube
        .resources(EcrPullSecret.class)
        .inNamespace(ns)
        .withName("pull")
        .get()
        .getStatus()
        .getConditions()
        .stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow()
        .getReason();
  }
}
