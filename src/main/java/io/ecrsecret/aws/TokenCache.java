package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares ECR tokens: one request per (identity, region) however many namespaces and resources need
 * it, at the same moment (callers wait for the request under way) or later (the token is reused
 * while it stays valid for as long as the caller needs). A token that arrives already expired, or
 * without expiry, is reused for the minimum interval, so that nothing asks AWS in a loop. A failure
 * is not cached: the next caller asks again.
 */
public final class TokenCache implements EcrTokenSource {

  private final EcrTokenSource upstream;
  private final Clock clock;
  private final Duration minimumInterval;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Past this many entries, those whose token has expired are dropped. */
  static final int TIDY_ABOVE = 256;

  private record Entry(CompletableFuture<RegistryCredentials> token, Instant fetchedAt) {}

  /**
   * @param minimumInterval how long a token that is already expired (or has no expiry) is reused
   */
  public TokenCache(EcrTokenSource upstream, Clock clock, Duration minimumInterval) {
    this.upstream = upstream;
    this.clock = clock;
    this.minimumInterval = minimumInterval;
  }

  @Override
  public RegistryCredentials token(AwsIdentity identity, String region, Duration validFor) {
    String key = identity.cacheKey() + "@" + region;
    if (entries.size() > TIDY_ABOVE) {
      tidy();
    }
    var mine = new CompletableFuture<RegistryCredentials>();
    Entry entry =
        entries.compute(
            key,
            (k, old) ->
                old != null && usable(old, validFor) ? old : new Entry(mine, clock.instant()));
    if (entry.token() == mine) {
      try {
        mine.complete(upstream.token(identity, region, validFor));
      } catch (RuntimeException e) {
        entries.remove(key, entry);
        mine.completeExceptionally(e);
      }
    }
    try {
      return entry.token().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** Drops the tokens that expired (and their identities with them): the map stays bounded. */
  private void tidy() {
    Instant now = clock.instant();
    entries
        .values()
        .removeIf(
            e ->
                e.token().isDone()
                    && !e.token().isCompletedExceptionally()
                    && e.token().join().expiresAt().map(now::isAfter).orElse(true)
                    && !now.isBefore(e.fetchedAt().plus(minimumInterval)));
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
      return false;
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
