package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcileScheduleTest {

  private final ReconcileSchedule schedule =
      new ReconcileSchedule(Duration.ofSeconds(15), Duration.ofHours(1));

  @Test
  void failuresDoubleTheWaitUpToTenMinutesAndASuccessStartsOver() {
    assertThat(schedule.afterFailure("a")).isEqualTo(Duration.ofSeconds(15));
    assertThat(schedule.afterFailure("a")).isEqualTo(Duration.ofSeconds(30));
    assertThat(schedule.afterFailure("a")).isEqualTo(Duration.ofSeconds(60));
    for (int i = 0; i < 20; i++) {
      schedule.afterFailure("a");
    }
    assertThat(schedule.afterFailure("a")).isEqualTo(Duration.ofMinutes(10));
    assertThat(schedule.afterFailure("b")).as("per resource").isEqualTo(Duration.ofSeconds(15));
    schedule.afterSuccess("a", Optional.of(Duration.ofHours(9)), Optional.empty());
    assertThat(schedule.afterFailure("a")).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aSuccessWaitsForTheRefreshButNeverPastTheMaximumOrTheKindsFloor() {
    assertThat(schedule.afterSuccess("a", Optional.of(Duration.ofMinutes(20)), Optional.empty()))
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(schedule.afterSuccess("a", Optional.of(Duration.ofHours(9)), Optional.empty()))
        .as("the maximum reconcile interval")
        .isEqualTo(Duration.ofHours(1));
    assertThat(
            schedule.afterSuccess(
                "a", Optional.of(Duration.ofMinutes(50)), Optional.of(Duration.ofMinutes(10))))
        .as("rh-mobb's frequency")
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(schedule.afterSuccess("a", Optional.empty(), Optional.empty()))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(schedule.afterSuccess("a", Optional.of(Duration.ofMillis(3)), Optional.empty()))
        .as("never a hot loop")
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anUnexpectedFailureIsTriedAgainSoonThenEveryTwoMinutesAndNeverGivenUp() {
    var retry = EcrSecretOperator.RETRY.initExecution();
    var delays = new java.util.ArrayList<Long>();
    for (int i = 0; i < 50; i++) {
      delays.add(retry.nextDelay().orElseThrow());
    }
    assertThat(delays.get(0)).isEqualTo(1_000L);
    assertThat(delays).isSorted();
    assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(120_000L));
    assertThat(delays.get(49)).isEqualTo(120_000L);
  }
}
