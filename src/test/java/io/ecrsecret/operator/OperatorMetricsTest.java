package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  @Test
  void theAwsTokenRequestCounterKeepsCountingAfterGarbageCollection() throws Exception {
    var registry = new SimpleMeterRegistry();
    var requests = new AtomicLong();
    var metrics = new OperatorMetrics(registry, Clock.systemUTC(), requests::get);
    requests.set(5);
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(registry.get("ecr_secret_aws_token_requests").functionCounter().count())
        .isEqualTo(5.0);
    assertThat(metrics).isNotNull(); // held, as the composition root holds it
  }

  @Test
  void notReadyResourcesAreCountedPerKindAndForgottenOnDeletion() {
    var registry = new SimpleMeterRegistry();
    var metrics = new OperatorMetrics(registry, Clock.systemUTC(), () -> 0);
    metrics.readiness("EcrPullSecret", "a", false);
    metrics.readiness("EcrPullSecret", "b", true);
    metrics.readiness("EcrPullSecret", "c", false);
    metrics.readiness("ClusterEcrPullSecret", "d", true);
    assertThat(notReady(registry, "EcrPullSecret")).isEqualTo(2.0);
    assertThat(notReady(registry, "ClusterEcrPullSecret")).isZero();
    metrics.readiness("EcrPullSecret", "a", true);
    metrics.forgetResource("c");
    assertThat(notReady(registry, "EcrPullSecret")).isZero();
  }

  private static double notReady(SimpleMeterRegistry registry, String kind) {
    return registry.get("ecr_secret_resources_not_ready").tag("kind", kind).gauge().value();
  }
}
