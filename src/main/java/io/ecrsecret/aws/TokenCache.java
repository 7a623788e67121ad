package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.TokenScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares ECR tokens: one request per (identity, region), and one per identity for ECR Public,
 * however many namespaces and resources need it, at the same moment (callers wait for the request
 * under way) or later (the token is reused while it stays valid for as long as the caller needs). A
 * token that arrives already expired, or without expiry, is reused for the minimum interval, so
 * that nothing asks AWS in a loop. A failure is shared too, for a backoff that doubles with each
 * failure in a row ({@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}): however many resources use
 * an identity, AWS is asked again on one schedule, not on each resource's.
 */
public final class TokenCache implements EcrTokenSource {

  private final EcrTokenSource upstream;
  private final Clock clock;
  private final Duration minimumInterval;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Past this many entries, those whose token has expired are dropped. */
  static final int TIDY_ABOVE = 256;

  /** How long the first failure of an (identity, region) is shared before AWS is asked again. */
  public static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);

  /** The longest a failure is shared. */
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

  /**
   * @param failures failures in a row before this request
   * @param retryAt for a failed request: when AWS may be asked again
   */
  private record Entry(
      CompletableFuture<RegistryCredentials> token,
      Instant fetchedAt,
      int failures,
      Instant retryAt) {}

  /**
   * @param minimumInterval how long a token that is already expired (or has no expiry) is reused
   */
  public TokenCache(EcrTokenSource upstream, Clock clock, Duration minimumInterval) {
    this.upstream = upstream;
    this.clock = clock;
    this.minimumInterval = minimumInterval;
  }

  @Override
  public RegistryCredentials token(AwsIdentity identity, TokenScope scope, Duration validFor) {
    String key = identity.cacheKey() + "@" + scope.key();
    if (entries.size() > TIDY_ABOVE) {
      tidy();
    }
    var mine = new CompletableFuture<RegistryCredentials>();
    Entry entry =
        entries.compute(
            key,
            (k, old) ->
                old != null && usable(old, validFor)
                    ? old
                    : new Entry(mine, clock.instant(), failuresBefore(old), null));
    if (entry.token() == mine) {
      try {
        mine.complete(upstream.token(identity, scope, validFor));
      } catch (RuntimeException e) {
        // shared until the backoff is over: the other users of the identity wait with it
        entries.replace(
            key,
            entry,
            new Entry(
                mine, entry.fetchedAt(), entry.failures() + 1, retryAt(entry.failures() + 1)));
        mine.completeExceptionally(e);
      }
    }
    try {
      return entry.token().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private static int failuresBefore(Entry old) {
    return old != null && old.token().isCompletedExceptionally() ? old.failures() : 0;
  }

  /** When AWS may be asked again after this many failures in a row. */
  private Instant retryAt(int failures) {
    long seconds = FIRST_BACKOFF.toSeconds() << Math.min(failures - 1, 16);
    return clock
        .instant()
        .plus(seconds >= MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds));
  }

  /** Drops the tokens that expired (and their identities with them): the map stays bounded. */
  private void tidy() {
    Instant now = clock.instant();
    entries
        .values()
        .removeIf(
            e ->
                e.token().isDone()
                    && (e.token().isCompletedExceptionally()
                        ? e.retryAt() != null && !now.isBefore(e.retryAt())
                        : e.token().join().expiresAt().map(now::isAfter).orElse(true)
                            && !now.isBefore(e.fetchedAt().plus(minimumInterval))));
  }

  /** How many (identity, region) entries are kept. */
  int size() {
    return entries.size();
  }

  private boolean usable(Entry entry, Duration validFor) {
    if (!entry.token().isDone()) {
      return true; // a request under way: wait for it
    }
    if (entry.token().isCompletedExceptionally()) {
      // a failure is shared until its backoff is over
      return entry.retryAt() != null && clock.instant().isBefore(entry.retryAt());
    }
    Instant now = clock.instant();
    Optional<Instant> expiresAt = entry.token().join().expiresAt();
    if (expiresAt.isPresent() && !now.plus(validFor).isAfter(expiresAt.get())) {
      return true;
    }
    // expired on arrival, or no expiry: keep it for the minimum interval rather than ask again
    boolean unusableOnArrival =
        expiresAt.isEmpty() || !entry.fetchedAt().plus(validFor).isBefore(expiresAt.get());
    return unusableOnArrival && now.isBefore(entry.fetchedAt().plus(minimumInterval));
  }
}
