package io.ecrsecret.core;

import java.time.Instant;
import java.util.Optional;

/**
 * The rule for a token that AWS handed out already expired (a wrong clock, a wrong endpoint): it is
 * never written over a secret that may still work, and a resource is never Ready on it. Both the
 * refresh and the status ask this one rule.
 */
public final class ExpiredToken {

  private ExpiredToken() {}

  /** What is wrong, where the token expired by {@code now}; empty where it is still valid. */
  public static Optional<String> problem(Optional<Instant> expiresAt, Instant now) {
    return expiresAt
        .filter(e -> !e.isAfter(now))
        .map(
            e ->
                "AWS handed out a token that expired at "
                    + e
                    + " (this machine's clock says "
                    + now
                    + "); the existing secret was left as it is. Check the clock, and the AWS"
                    + " endpoint (AWS_ENDPOINT_URL) that answered");
  }
}
