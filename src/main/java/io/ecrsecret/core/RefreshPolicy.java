package io.ecrsecret.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to refresh a token: at its own {@code expiresAt} minus a margin, plus up to {@code jitter}
 * of that margin (so that many secrets do not refresh in the same second, yet every one of them
 * finds the shared token due, and one request serves them all), never sooner than {@code
 * minimumInterval} from now, so that a token that is already expired cannot cause a hot loop; a
 * token that lives less than {@code minimumInterval} is renewed at half its life (at most once a
 * second), so that it never expires before the next refresh. A token without an expiry is treated
 * as valid for {@code assumedValidity} (ECR's documented 12 hours).
 *
 * @param margin how long before expiry to refresh (default 3h: a refresh that fails still leaves
 *     hours to retry before pulls fail)
 * @param jitter the fraction (0..1) of the margin by which a refresh is brought forward at random
 *     (default 0.1)
 * @param minimumInterval the shortest wait before the next refresh (default 1m)
 * @param assumedValidity how long a token without an expiry is taken to last (default 12h)
 */
public record RefreshPolicy(
    Duration margin, double jitter, Duration minimumInterval, Duration assumedValidity) {

  /**
   * The default margin as users write it (CLI option default, CRD default): a compile-time
   * constant, so that annotations can take it.
   */
  public static final String DEFAULT_MARGIN_TEXT = "3h";

  public static final RefreshPolicy DEFAULT =
      new RefreshPolicy(
          DurationText.parse(DEFAULT_MARGIN_TEXT),
          0.1,
          Duration.ofMinutes(1),
          Duration.ofHours(12));

  public RefreshPolicy {
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(minimumInterval, "minimumInterval");
    Objects.requireNonNull(assumedValidity, "assumedValidity");
    if (margin.isNegative()) {
      throw new IllegalArgumentException("refresh margin must not be negative, got " + margin);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
    }
    if (minimumInterval.isNegative() || minimumInterval.isZero()) {
      throw new IllegalArgumentException(
          "minimum interval must be positive, got " + minimumInterval);
    }
  }

  /** The shortest margin a user may ask for (the CRD says the same). */
  public static final Duration MIN_MARGIN = Duration.ofMinutes(1);

  /** The longest: an ECR token lasts 12 h, and a margin past that would refresh in a loop. */
  public static final Duration MAX_MARGIN = Duration.ofHours(11);

  /**
   * @throws IllegalArgumentException naming the option, when a margin is outside 1m..11h
   */
  public static Duration checkedMargin(Duration margin, String option) {
    if (margin.compareTo(MIN_MARGIN) < 0 || margin.compareTo(MAX_MARGIN) > 0) {
      throw new IllegalArgumentException(
          option
              + " must be between 1m and 11h (ECR tokens last 12h), got "
              + DurationText.format(margin));
    }
    return margin;
  }

  public RefreshPolicy withMargin(Duration newMargin) {
    return new RefreshPolicy(newMargin, jitter, minimumInterval, assumedValidity);
  }

  /**
   * The instant to refresh a token obtained at {@code now} that expires at {@code expiresAt}.
   *
   * @param random a number in [0, 1) that picks the jitter
   */
  public Instant nextRefresh(Instant now, Optional<Instant> expiresAt, DoubleSupplier random) {
    Instant expiry = expiresAt.orElse(now.plus(assumedValidity));
    Instant planned = dueAt(expiry, random);
    Instant earliest = now.plus(minimumInterval);
    if (!planned.isBefore(earliest)) {
      return planned;
    }
    Duration life = Duration.between(now, expiry);
    if (life.isNegative() || life.isZero() || life.compareTo(minimumInterval) > 0) {
      return earliest;
    }
    // a token that lives less than the floor: renewed at half its life, so that it is never
    // relied on expired, at most once a second
    Duration half = life.dividedBy(2);
    return now.plus(half.compareTo(SHORTEST_WAIT) < 0 ? SHORTEST_WAIT : half);
  }

  /**
   * When a token that expires at {@code expiresAt} is due for its refresh: the margin before its
   * expiry, moved by the share of the jitter {@code random} picks (the same pick gives the same
   * instant, so a restart finds the refresh where the last process planned it).
   */
  public Instant dueAt(Instant expiresAt, DoubleSupplier random) {
    long jitterMillis = (long) (margin.toMillis() * jitter * random.getAsDouble());
    return expiresAt.minus(margin).plusMillis(jitterMillis);
  }

  /** The shortest wait for a token that lives less than {@code minimumInterval}. */
  public static final Duration SHORTEST_WAIT = Duration.ofSeconds(1);
}
