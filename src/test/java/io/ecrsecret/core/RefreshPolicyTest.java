package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final RefreshPolicy policy =
      new RefreshPolicy(Duration.ofHours(2), 0.5, Duration.ofMinutes(1), Duration.ofHours(12));

  @Test
  void refreshesAtExpiryMinusMarginWithoutJitter() {
    Instant expiry = NOW.plus(Duration.ofHours(12));
    assertThat(policy.nextRefresh(NOW, Optional.of(expiry), () -> 0.0))
        .isEqualTo(NOW.plus(Duration.ofHours(10)));
  }

  @Test
  void jitterPutsTheRefreshOffByAtMostItsShareOfTheMarginAndTheTokenIsThenDue() {
    Instant expiry = NOW.plus(Duration.ofHours(12));
    Instant next = policy.nextRefresh(NOW, Optional.of(expiry), () -> 0.999);
    assertThat(next)
        .isAfter(NOW.plus(Duration.ofHours(10)))
        .isBefore(NOW.plus(Duration.ofHours(11)));
    assertThat(next)
        .as("then within the margin: due")
        .isAfterOrEqualTo(expiry.minus(policy.margin()));
  }

  @Test
  void anExpiredTokenDoesNotCauseAHotLoop() {
    Instant expired = Instant.parse("2015-01-01T00:00:00Z");
    assertThat(policy.nextRefresh(NOW, Optional.of(expired), () -> 0.5))
        .isEqualTo(NOW.plus(Duration.ofMinutes(1)));
  }

  @Test
  void aTokenLivingLessThanTheFloorIsRenewedAtHalfItsLifeAtMostOnceASecond() {
    assertThat(policy.nextRefresh(NOW, Optional.of(NOW.plusSeconds(50)), () -> 0.5))
        .isEqualTo(NOW.plusSeconds(25));
    assertThat(policy.nextRefresh(NOW, Optional.of(NOW.plusMillis(1500)), () -> 0.5))
        .isEqualTo(NOW.plusSeconds(1));
    // a token that outlives the floor, though not the margin: at the floor, before it expires
    assertThat(policy.nextRefresh(NOW, Optional.of(NOW.plusSeconds(90)), () -> 0.5))
        .isEqualTo(NOW.plus(Duration.ofMinutes(1)));
  }

  @Test
  void aTokenWithoutExpiryIsTakenToLastTwelveHours() {
    assertThat(policy.nextRefresh(NOW, Optional.empty(), () -> 0.0))
        .isEqualTo(NOW.plus(Duration.ofHours(10)));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RefreshPolicy.DEFAULT.withMargin(Duration.ofHours(-1)))
        .hasMessageContaining("margin");
    assertThatThrownBy(
            () -> new RefreshPolicy(Duration.ZERO, 2, Duration.ofMinutes(1), Duration.ofHours(12)))
        .hasMessageContaining("jitter");
  }
}
