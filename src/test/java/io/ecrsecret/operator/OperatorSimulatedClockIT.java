package io.ecrsecret.operator;

import static io.ecrsecret.operator.OperatorFixture.metric;
import static io.ecrsecret.testing.TestCluster.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.MutableClock;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the AWS peer's realistic expiry and a simulated clock: the refresh is planned from the
 * token's own expiresAt; an idle hour costs no write and no AWS call; past the planned time, one
 * AWS call refreshes the secret.
 */
@ExtendWith(SandboxExtension.class)
class OperatorSimulatedClockIT {

  @Test
  void refreshIsTimedFromExpiresAtAndAnIdleHourWritesNothing(Sandbox sandbox) throws Exception {
    var kube = sandbox.kubernetes().adminClient();
    TestCluster.installCrds(kube, true);
    var clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Instant expiry = clock.instant().plus(Duration.ofHours(12));
    sandbox.aws().tokenExpiresAt(expiry);
    var operatorClient = OperatorIdentity.client(sandbox.kubernetes());
    // reconcile every 2 real seconds, so that the simulated hour below sees many reconciles
    var operator =
        OperatorFixture.start(
            sandbox,
            operatorClient,
            OperatorFixture.reconcilingEvery(Duration.ofSeconds(2)),
            clock);
    try {
      namespace(kube, "clock", Map.of());
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("pull");
      resource.getMetadata().setNamespace("clock");
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(sandbox.registry().ecrHost()));
      spec.setRefreshMargin("3h");
      resource.setSpec(spec);
      kube.resource(resource).create();

      var ready =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      kube.resources(EcrPullSecret.class)
                          .inNamespace("clock")
                          .withName("pull")
                          .get(),
                  r -> r.getStatus() != null && r.getStatus().getNextRefreshTime() != null);
      assertThat(ready.getStatus().getTokenExpiresAt()).isEqualTo(expiry.toString());
      Instant planned = Instant.parse(ready.getStatus().getNextRefreshTime());
      assertThat(planned)
          .as("expiresAt - margin, plus at most 10%% of the margin as jitter")
          .isBetween(
              expiry.minus(Duration.ofHours(3)),
              expiry.minus(Duration.ofHours(3)).plus(Duration.ofMinutes(18)));

      var secretVersion =
          kube.secrets()
              .inNamespace("clock")
              .withName("ecr-pull-secret")
              .get()
              .getMetadata()
              .getResourceVersion();
      var resourceVersion =
          kube.resources(EcrPullSecret.class)
              .inNamespace("clock")
              .withName("pull")
              .get()
              .getMetadata()
              .getResourceVersion();
      sandbox.aws().resetRequestCounts();
      double reconcilesBefore = metric(operator.scrape(), "ecr_secret_reconcile_seconds_count");

      for (int step = 0; step < 12; step++) { // one simulated hour, 5 minutes at a time
        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(2_500);
      }

      assertThat(metric(operator.scrape(), "ecr_secret_reconcile_seconds_count") - reconcilesBefore)
          .as("reconciles during the idle hour")
          .isGreaterThanOrEqualTo(10);
      assertThat(
              kube.secrets()
                  .inNamespace("clock")
                  .withName("ecr-pull-secret")
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .as("secret writes during the idle hour")
          .isEqualTo(secretVersion);
      assertThat(
              kube.resources(EcrPullSecret.class)
                  .inNamespace("clock")
                  .withName("pull")
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .as("status writes during the idle hour")
          .isEqualTo(resourceVersion);
      assertThat(sandbox.aws().requestCount("ecr:GetAuthorizationToken"))
          .as("AWS calls during the idle hour")
          .isZero();

      // past the planned refresh: one AWS call, the secret carries the new token's expiry
      clock.set(planned.plusSeconds(1));
      Instant newExpiry = clock.instant().plus(Duration.ofHours(12));
      sandbox.aws().tokenExpiresAt(newExpiry);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  kube.secrets()
                      .inNamespace("clock")
                      .withName("ecr-pull-secret")
                      .get()
                      .getMetadata()
                      .getAnnotations()
                      .get(ManagedMarkers.EXPIRES_AT),
              newExpiry.toString()::equals);
      assertThat(sandbox.aws().requestCount("ecr:GetAuthorizationToken")).isEqualTo(1);
    } finally {
      OperatorFixture.deleteAllResources(kube);
      operator.close();
      operatorClient.close();
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      kube.close();
    }
  }
}
