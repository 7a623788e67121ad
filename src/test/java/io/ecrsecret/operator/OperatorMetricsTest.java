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
}
