package io.ecrsecret.aws;

import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryCredentials;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares ECR tokens: one request per (identity, region) however many namespaces and resources need
 * it, at the same moment (callers wait for the request under way) or later (the token is reused
 * until the refresh policy says it is due). A token that arrives already expired, or without
 * expiry, is reused for the policy's minimum interval, so that nothing asks AWS in a loop. A
 * failure is not cached: the next caller asks again.
 */
public final class TokenCache implements EcrTokenSource {

  private final EcrTokenSource upstream;
  private final Clock clock;
  private final RefreshPolicy policy;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(CompletableFuture<RegistryCredentials> token, Instant fetchedAt) {}

  public TokenCache(EcrTokenSource upstream, Clock clock, RefreshPolicy policy) {
    this.upstream = upstream;
    this.clock = clock;
    this.policy = policy;
  }

  @Override
  public RegistryCredentials token(AwsIdentity identity, String region) {
    String key = identity.cacheKey() + "@" + region;
    var mine = new CompletableFuture<RegistryCredentials>();
    Entry entry =
        entries.compute(
            key, (k, old) -> old != null && usable(old) ? old : new Entry(mine, clock.instant()));
    if (entry.token() == mine) {
      try {
        mine.complete(upstream.token(identity, region));
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

  /** Forgets every token, so the next caller asks AWS. */
  public void clear() {
    entries.clear();
  }

  private boolean usable(Entry entry) {
    if (!entry.token().isDone()) {
      return true; // a request under way: wait for it
    }
    if (entry.token().isCompletedExceptionally()) {
      return false;
    }
    Instant now = clock.instant();
    RegistryCredentials token = entry.token().join();
    boolean dueByExpiry = policy.isDue(now, token.expiresAt());
    if (!dueByExpiry) {
      return true;
    }
    // expired on arrival, or no expiry: keep it for the minimum interval rather than ask again
    return now.isBefore(entry.fetchedAt().plus(policy.minimumInterval()));
  }
}
