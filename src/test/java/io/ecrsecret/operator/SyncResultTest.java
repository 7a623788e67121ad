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
    return report(
        expiresAt,
        new NamespaceOutcome(
            "team-a",
            result,
            "",
            List.of(problems),
            List.of(),
            List.of(),
            List.of(),
            result.equals(NamespaceOutcome.FAILED) ? "" : result,
            false,
            List.of()));
  }

  private static RefreshReport report(Instant expiresAt, NamespaceOutcome... outcomes) {
    return new RefreshReport(
        "pull",
        List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        false,
        NOW,
        Optional.of(expiresAt),
        expiresAt.minus(Duration.ofHours(3)),
        List.of(outcomes));
  }

  private static NamespaceOutcome written(
      String ns, String reason, List<String> problems, List<String> awaited, boolean adopted) {
    return new NamespaceOutcome(
        ns,
        problems.isEmpty() ? NamespaceOutcome.UPDATED : NamespaceOutcome.FAILED,
        reason,
        problems,
        List.of(),
        List.of(),
        List.of("app-1"),
        NamespaceOutcome.UPDATED,
        adopted,
        awaited);
  }

  private static final Instant LATER = NOW.plus(Duration.ofHours(12));

  @Test
  void aServiceAccountThatDoesNotExistYetLeavesTheSecretReadyAndSaysItIsAwaited() {
    var result =
        SyncResult.from(
            report(LATER, written("team-a", "", List.of(), List.of("deployer"), false)),
            "pull",
            false,
            true);
    assertThat(result.ready()).isTrue();
    assertThat(result.links()).isPresent();
    assertThat(result.links().get().linked()).isFalse();
    assertThat(result.links().get().reason()).isEqualTo("ServiceAccountMissing");
    assertThat(result.links().get().message()).contains("team-a/deployer", "when it is created");
  }

  @Test
  void aFailedLinkLeavesTheSecretReadyAndFailsTheLinkCondition() {
    var result =
        SyncResult.from(
            report(
                LATER,
                written(
                    "team-a",
                    NamespaceOutcome.LINK_FAILED,
                    List.of("not allowed to link or restart in namespace team-a"),
                    List.of(),
                    false)),
            "pull",
            false,
            true);
    assertThat(result.ready()).isTrue();
    assertThat(result.reason()).isEqualTo("SecretReady");
    assertThat(result.links().get().reason()).isEqualTo("LinkFailed");
    assertThat(result.links().get().message()).contains("not allowed");
  }

  @Test
  void everyLinkMadeIsLinkedAndAKindThatLinksNoneHasNoLinkState() {
    var outcome = written("team-a", "", List.of(), List.of(), false);
    assertThat(SyncResult.from(report(LATER, outcome), "pull", false, true).links())
        .hasValueSatisfying(l -> assertThat(l.linked()).isTrue());
    assertThat(SyncResult.from(report(LATER, outcome), "pull", false, false).links()).isEmpty();
  }

  @Test
  void adoptionsAndHealedPodsAreCollectedWithTheirNamespaces() {
    var result =
        SyncResult.from(
            report(
                LATER,
                written("team-a", "", List.of(), List.of(), true),
                written("team-b", "", List.of(), List.of(), false)),
            "pull",
            true,
            true);
    assertThat(result.adopted()).containsExactly("team-a");
    assertThat(result.healedPods()).containsExactly("team-a/app-1", "team-b/app-1");
    assertThat(result.namespacesReady()).isEqualTo(2);
  }

  @Test
  void aValidTokenInPlaceIsReady() {
    var result =
        SyncResult.from(
            report(NOW.plus(Duration.ofHours(12)), NamespaceOutcome.UPDATED), "pull", false, true);
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
            false,
            true);
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
            false,
            true);
    assertThat(result.ready()).isFalse();
    assertThat(result.message()).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(1027);
  }

  @Test
  void aTokenThatExpiresBeforeTheNextRefreshIsNeverReady() {
    var expiring =
        new RefreshReport(
            "pull",
            List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            false,
            NOW,
            Optional.of(NOW.plusMillis(800)),
            NOW.plusSeconds(1),
            List.of(written("team-a", "", List.of(), List.of(), false)));
    var result = SyncResult.from(expiring, "pull", false, false);
    assertThat(result.ready()).isFalse();
    assertThat(result.reason()).isEqualTo("TokenExpiresTooSoon");
    var renewedInTime =
        new RefreshReport(
            "pull",
            List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            false,
            NOW,
            Optional.of(NOW.plusSeconds(50)),
            NOW.plusSeconds(25),
            List.of(written("team-a", "", List.of(), List.of(), false)));
    assertThat(SyncResult.from(renewedInTime, "pull", false, false).ready()).isTrue();
  }
}
