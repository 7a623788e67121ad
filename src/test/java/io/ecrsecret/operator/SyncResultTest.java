package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.RefreshReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncResultTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static RefreshReport report(Instant expiresAt, String result, String... problems) {
    return new RefreshReport(
        "pull",
        List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        false,
        NOW,
        Optional.of(expiresAt),
        expiresAt.minus(Duration.ofHours(3)),
        List.of(
            new NamespaceOutcome(
                "team-a", result, "", List.of(problems), List.of(), List.of(), List.of(), "")));
  }

  @Test
  void aValidTokenInPlaceIsReady() {
    var result =
        SyncResult.from(
            report(NOW.plus(Duration.ofHours(12)), NamespaceOutcome.UPDATED), "pull", false);
    assertThat(result.ready()).isTrue();
    assertThat(result.reason()).isEqualTo("SecretReady");
    assertThat(result.message()).contains("valid until 2026-12-01T22:00:00Z");
  }

  @Test
  void aTokenThatHasAlreadyExpiredIsNeverReady() {
    var result =
        SyncResult.from(
            report(Instant.parse("2015-01-01T00:00:00Z"), NamespaceOutcome.UNCHANGED),
            "pull",
            false);
    assertThat(result.ready()).isFalse();
    assertThat(result.reason()).isEqualTo("TokenExpired");
    assertThat(result.message()).contains("expired at 2015-01-01T00:00:00Z");
  }

  @Test
  void messagesAreCleanedAndBounded() {
    var result =
        SyncResult.from(
            report(
                NOW.plus(Duration.ofHours(12)),
                NamespaceOutcome.FAILED,
                "line one\r\nforged: " + "x".repeat(5000)),
            "pull",
            false);
    assertThat(result.ready()).isFalse();
    assertThat(result.message()).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(1027);
  }
}
