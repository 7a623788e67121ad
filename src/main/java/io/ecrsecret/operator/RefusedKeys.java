package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.StatusReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys from a Secret that AWS refused, per resource: AWS is not asked again with the same keys
 * before the backoff is over, but the resource is looked at again within {@link #KEYS_RECHECK} (a
 * read of the Secret, no AWS call), so that fixed keys take effect at once rather than after a
 * backoff of up to 10 minutes. Per resource (UID), removed on success and on deletion: bounded by
 * the resources.
 */
final class RefusedKeys {

  /** How soon a change to the credentials Secret of a failing resource is seen. */
  static final Duration KEYS_RECHECK = Duration.ofSeconds(30);

  private static final Set<String> AWS_REFUSED_KEYS =
      Set.of(StatusReason.INVALID_CREDENTIALS.text(), StatusReason.ACCESS_DENIED.text());

  /** Keys AWS refused, what it said, and when it may be asked with them again. */
  record Refusal(String identityKey, SyncResult result, Instant askAgainAt) {}

  private final Map<String, Refusal> byResource = new ConcurrentHashMap<>();

  /** What AWS said of these very keys, while it is not to be asked again with them. */
  Optional<Refusal> held(String uid, AwsIdentity identity, Instant now) {
    return Optional.ofNullable(byResource.get(uid))
        .filter(r -> r.identityKey().equals(identity.cacheKey()) && now.isBefore(r.askAgainAt()));
  }

  /**
   * The next reconcile, given the one planned ({@code next}): sooner where keys from a Secret were
   * refused or the Secret could not be used, remembering a refusal until {@code now + next}.
   */
  Duration next(
      String uid,
      SyncResult result,
      Optional<AwsIdentity> identity,
      Optional<Refusal> held,
      Instant now,
      Duration next,
      ReconcileSchedule schedule) {
    if (held.isPresent()) {
      Duration left = Duration.between(now, held.get().askAgainAt());
      return schedule.bounded(sooner(left));
    }
    boolean keysFromSecret =
        identity.filter(i -> i.base() instanceof AwsIdentity.StaticKeys).isPresent();
    if (result.ready()) {
      byResource.remove(uid);
    } else if (keysFromSecret && AWS_REFUSED_KEYS.contains(result.reason())) {
      byResource.put(uid, new Refusal(identity.get().cacheKey(), result, now.plus(next)));
      return sooner(next);
    } else if (StatusReason.CREDENTIALS_SECRET_UNUSABLE.text().equals(result.reason())) {
      // nothing was sent to AWS: reading the Secret again is all a retry costs
      return sooner(next);
    }
    return next;
  }

  void forget(String uid) {
    byResource.remove(uid);
  }

  private static Duration sooner(Duration next) {
    return next.compareTo(KEYS_RECHECK) < 0 ? next : KEYS_RECHECK;
  }
}
