package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.operator.api.PullSecretStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static SyncResult ready(Optional<SyncResult.LinkState> links) {
    return new SyncResult(
        true,
        "SecretReady",
        "secret pull holds a token",
        Optional.of(T0.plus(Duration.ofHours(12))),
        Optional.of(T0.plus(Duration.ofHours(9))),
        true,
        links,
        List.of(),
        List.of(),
        null,
        null,
        null);
  }

  private static final Optional<SyncResult.LinkState> LINKED =
      Optional.of(new SyncResult.LinkState(true, "Linked", "every service account named"));
  private static final Optional<SyncResult.LinkState> WAITING =
      Optional.of(new SyncResult.LinkState(false, "ServiceAccountMissing", "waiting for a/b"));

  private static PullSecretStatus build(PullSecretStatus previous, Instant now, SyncResult r) {
    return StatusBuilder.build(previous, new PullSecretStatus(), 1, now, r);
  }

  @Test
  void theSameResultBuildsAnEqualStatusSoNothingIsWritten() {
    var first = build(null, T0, ready(LINKED));
    var again = build(first, T0.plusSeconds(30), ready(LINKED));
    // tokenWritten on both: lastRefreshTime moves; with nothing written it stays
    var quiet =
        build(
            again,
            T0.plusSeconds(60),
            new SyncResult(
                true,
                "SecretReady",
                "secret pull holds a token",
                Optional.of(T0.plus(Duration.ofHours(12))),
                Optional.of(T0.plus(Duration.ofHours(9))),
                false,
                LINKED,
                List.of(),
                List.of(),
                null,
                null,
                null));
    assertThat(quiet).isEqualTo(again);
  }

  @Test
  void eachConditionKeepsItsTransitionTimeUntilItsOwnStatusChanges() {
    var first = build(null, T0, ready(WAITING));
    var linked = build(first, T0.plusSeconds(60), ready(LINKED));
    assertThat(StatusBuilder.readyCondition(linked).get().getLastTransitionTime())
        .isEqualTo("2026-12-01T10:00:00Z");
    assertThat(StatusBuilder.condition(linked, StatusBuilder.LINKED).get())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-01T10:01:00Z");
            });
  }

  @Test
  void aFailureBeforeTheRefreshKeepsTheLinkConditionAndTheLastToken() {
    var good = build(null, T0, ready(LINKED));
    var denied =
        build(good, T0.plusSeconds(60), SyncResult.failed("AccessDenied", "AWS denied", false));
    assertThat(StatusBuilder.readyCondition(denied).get().getStatus()).isEqualTo("False");
    assertThat(StatusBuilder.condition(denied, StatusBuilder.LINKED)).isPresent();
    assertThat(denied.getTokenExpiresAt()).isEqualTo(good.getTokenExpiresAt());
  }

  @Test
  void aKindThatLinksNothingHasNoLinkCondition() {
    var status = build(build(null, T0, ready(LINKED)), T0, ready(Optional.empty()));
    assertThat(StatusBuilder.condition(status, StatusBuilder.LINKED)).isEmpty();
  }

  @Test
  void theFirstAdoptionIsRemembered() {
    var adopted =
        new SyncResult(
            true,
            "SecretReady",
            "m",
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.empty(),
            List.of("team-a"),
            List.of(),
            null,
            null,
            null);
    var status = build(null, T0, adopted);
    assertThat(status.getSecretAdoptedAt()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(build(status, T0.plusSeconds(99), ready(Optional.empty())).getSecretAdoptedAt())
        .isEqualTo("2026-12-01T10:00:00Z");
  }
}
