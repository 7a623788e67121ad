package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.SecretFreshness.Reason;
import io.ecrsecret.core.SecretFreshness.Seen;
import io.ecrsecret.core.SecretFreshness.Wanted;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The freshness verdict, one row per rule: what about a secret makes it be written. */
class SecretFreshnessTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private static final RefreshPolicy POLICY =
      new RefreshPolicy(Duration.ofHours(3), 0.1, Duration.ofMinutes(1), Duration.ofHours(12));
  private static final String DOCKER = "kubernetes.io/dockerconfigjson";
  private static final Map<String, String> OUR_LABELS =
      Map.of(
          "app.kubernetes.io/managed-by",
          "ecr-secret-operator",
          "ecr-secret-operator.io/owner-kind",
          "ClusterEcrPullSecret");
  private static final Wanted WANTED =
      new Wanted(DOCKER, Set.of("1.dkr.ecr.us-east-1.amazonaws.com"), OUR_LABELS);

  /** A secret we wrote an hour ago with a 12-hour token, untouched. */
  private static final Seen WRITTEN =
      new Seen(
          true,
          true,
          DOCKER,
          Set.of("1.dkr.ecr.us-east-1.amazonaws.com"),
          Map.of(
              "app.kubernetes.io/managed-by",
              "ecr-secret-operator",
              "ecr-secret-operator.io/owner-kind",
              "ClusterEcrPullSecret",
              "team",
              "a"),
          Optional.of(NOW.plus(Duration.ofHours(11))));

  static Stream<Arguments> rows() {
    return Stream.of(
        row("as written: left, whatever token this process holds", s -> s, Reason.FRESH),
        row(
            "not ours (no marker, or another owner)",
            s -> new Seen(false, true, s.type(), s.registries(), s.labels(), s.expiresAt()),
            Reason.NOT_OURS),
        row(
            "its data edited since we wrote it",
            s -> new Seen(true, false, s.type(), s.registries(), s.labels(), s.expiresAt()),
            Reason.EDITED),
        row(
            "another type",
            s -> new Seen(true, true, "Opaque", s.registries(), s.labels(), s.expiresAt()),
            Reason.TYPE_CHANGED),
        row(
            "a registry more than wanted",
            s ->
                new Seen(
                    true,
                    true,
                    s.type(),
                    Set.of(
                        "1.dkr.ecr.us-east-1.amazonaws.com", "2.dkr.ecr.eu-west-1.amazonaws.com"),
                    s.labels(),
                    s.expiresAt()),
            Reason.REGISTRIES_CHANGED),
        row(
            "a registry fewer than wanted",
            s -> new Seen(true, true, s.type(), Set.of(), s.labels(), s.expiresAt()),
            Reason.REGISTRIES_CHANGED),
        row(
            "our owner-kind label removed",
            s ->
                new Seen(
                    true,
                    true,
                    s.type(),
                    s.registries(),
                    Map.of("app.kubernetes.io/managed-by", "ecr-secret-operator"),
                    s.expiresAt()),
            Reason.LABELS_CHANGED),
        row(
            "no expiry marker",
            s -> new Seen(true, true, s.type(), s.registries(), s.labels(), Optional.empty()),
            Reason.NO_EXPIRY),
        row("inside the margin: due", s -> expiringIn(s, Duration.ofHours(2)), Reason.REFRESH_DUE),
        row("expired", s -> expiringIn(s, Duration.ofHours(-1)), Reason.REFRESH_DUE),
        row(
            "just outside the margin and its jitter",
            s -> expiringIn(s, Duration.ofHours(3).plusMinutes(19)),
            Reason.FRESH));
  }

  private static Arguments row(String name, UnaryOperator<Seen> change, Reason expected) {
    return Arguments.of(name, change.apply(WRITTEN), expected);
  }

  private static Seen expiringIn(Seen s, Duration d) {
    return new Seen(true, true, s.type(), s.registries(), s.labels(), Optional.of(NOW.plus(d)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void verdict(String name, Seen seen, Reason expected) {
    var verdict = SecretFreshness.decide(WANTED, Optional.of(seen), NOW, POLICY, () -> 0.5);
    assertThat(verdict.reason()).isEqualTo(expected);
    assertThat(verdict.leave()).isEqualTo(expected == Reason.FRESH);
    assertThat(verdict.expiresAt())
        .isEqualTo(expected == Reason.FRESH ? seen.expiresAt() : Optional.empty());
  }

  @ParameterizedTest(name = "jitter {0}")
  @MethodSource("jitters")
  void dueWhereTheRefreshWasPlannedForTheSameJitter(double jitter) {
    Instant expiry = NOW.plus(Duration.ofHours(12));
    Instant planned = POLICY.nextRefresh(NOW, Optional.of(expiry), () -> jitter);
    var seen = expiringAt(expiry);
    assertThat(
            SecretFreshness.decide(
                    WANTED, Optional.of(seen), planned.minusMillis(1), POLICY, () -> jitter)
                .reason())
        .isEqualTo(Reason.FRESH);
    assertThat(
            SecretFreshness.decide(WANTED, Optional.of(seen), planned, POLICY, () -> jitter)
                .reason())
        .isEqualTo(Reason.REFRESH_DUE);
  }

  static Stream<Double> jitters() {
    return Stream.of(0.0, 0.37, 0.999);
  }

  private static Seen expiringAt(Instant expiry) {
    return new Seen(
        true, true, WRITTEN.type(), WRITTEN.registries(), WRITTEN.labels(), Optional.of(expiry));
  }

  @org.junit.jupiter.api.Test
  void noSecretYet() {
    assertThat(SecretFreshness.decide(WANTED, Optional.empty(), NOW, POLICY, () -> 0).reason())
        .isEqualTo(Reason.ABSENT);
  }
}
