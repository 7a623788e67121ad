package io.ecrsecret.operator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each resource is reconciled next: when its refresh is due (no later than the kind asks, e.g.
 * rh-mobb's {@code frequency}), or after a failure a backoff that doubles from the configured first
 * wait up to {@link #LONGEST_RETRY}; always between a second and the maximum reconcile interval,
 * because a planned reschedule replaces the framework's own periodic one. Counts failures per
 * resource (UID), forgotten on success and on deletion: bounded by the resources.
 */
final class ReconcileSchedule {

  static final Duration LONGEST_RETRY = Duration.ofMinutes(10);

  private final Duration firstRetry;
  private final Duration maxInterval;
  private final Map<String, Integer> consecutiveFailures = new ConcurrentHashMap<>();

  ReconcileSchedule(Duration firstRetry, Duration maxInterval) {
    this.firstRetry = firstRetry;
    this.maxInterval = maxInterval;
  }

  /** After a success: when the refresh is due (a minute if unknown), or sooner if the kind asks. */
  Duration afterSuccess(String uid, Optional<Duration> untilRefresh, Optional<Duration> atLeast) {
    consecutiveFailures.remove(uid);
    Duration next = untilRefresh.orElse(Duration.ofMinutes(1));
    if (atLeast.isPresent() && atLeast.get().compareTo(next) < 0) {
      next = atLeast.get();
    }
    return bounded(next);
  }

  /** After a known failure: the first wait, doubled with each failure in a row. */
  Duration afterFailure(String uid) {
    int failures = consecutiveFailures.merge(uid, 1, Integer::sum);
    Duration backoff = firstRetry.multipliedBy(1L << Math.min(failures - 1, 10));
    return bounded(backoff.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : backoff);
  }

  /** At least a second; at most the maximum reconcile interval. */
  Duration bounded(Duration delay) {
    if (delay.compareTo(maxInterval) > 0) {
      return maxInterval;
    }
    return delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay;
  }

  void forget(String uid) {
    consecutiveFailures.remove(uid);
  }
}
