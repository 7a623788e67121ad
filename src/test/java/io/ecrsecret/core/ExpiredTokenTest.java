package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpiredTokenTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void aTokenExpiredByNowIsAProblemThatNamesBothTimes() {
    assertThat(ExpiredToken.problem(Optional.of(Instant.parse("2015-01-01T00:00:00Z")), NOW))
        .hasValueSatisfying(
            m -> assertThat(m).contains("expired at 2015-01-01T00:00:00Z", "says " + NOW));
    assertThat(ExpiredToken.problem(Optional.of(NOW), NOW)).isPresent();
  }

  @Test
  void aValidTokenOrNoExpiryIsNone() {
    assertThat(ExpiredToken.problem(Optional.of(NOW.plusSeconds(1)), NOW)).isEmpty();
    assertThat(ExpiredToken.problem(Optional.empty(), NOW)).isEmpty();
  }
}
