package io.ecrsecret.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Whether a pull secret we keep can be left as it is, decided without a token: from the secret's
 * own markers (what it was written for, and when the token in it expires), never from the token
 * this process holds. A fresh process (a restart, a new leader, a rolling upgrade) holds none, and
 * deciding by comparing what it would render now rewrote every secret it keeps.
 *
 * <p>Named checks run in order; the first that fails says why the secret must be written. A secret
 * that passes them all is {@link Reason#FRESH}: ours, untouched since we wrote it, of the wanted
 * type, for exactly the wanted registries, with our labels, and not yet due for its refresh.
 */
public final class SecretFreshness {

  private SecretFreshness() {}

  /** What the secret is to be. */
  public record Wanted(String type, Set<String> registries, Map<String, String> labels) {
    public Wanted {
      registries = Set.copyOf(registries);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * The secret as the cluster holds it.
   *
   * @param ours it carries our managed marker and names the same owner
   * @param untouched its data is what we wrote (nobody edited it since)
   * @param registries the registries it was written for (its marker)
   * @param expiresAt when the token in it expires (its marker), if it says
   */
  public record Seen(
      boolean ours,
      boolean untouched,
      String type,
      Set<String> registries,
      Map<String, String> labels,
      Optional<Instant> expiresAt) {
    public Seen {
      registries = Set.copyOf(registries);
      labels = Map.copyOf(labels);
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** Why a secret is left, or must be written. */
  public enum Reason {
    FRESH("valid until its refresh is due; left as it is"),
    ABSENT("there is no secret yet"),
    NOT_OURS("the secret is not one we keep for this owner"),
    EDITED("the secret's data changed since it was written"),
    TYPE_CHANGED("the secret's type is not the one wanted"),
    REGISTRIES_CHANGED("the secret was written for other registries"),
    LABELS_CHANGED("the secret lacks labels it needs"),
    NO_EXPIRY("the secret does not say when its token expires"),
    REFRESH_DUE("the secret's token is due for its refresh");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  /** A verdict: the reason, and for a fresh secret when its token expires. */
  public record Verdict(Reason reason, Optional<Instant> expiresAt) {
    public boolean leave() {
      return reason == Reason.FRESH;
    }
  }

  private interface Check {
    Optional<Reason> failure(Wanted wanted, Seen seen);
  }

  private static final List<Check> CHECKS =
      List.of(
          (w, s) -> s.ours() ? Optional.empty() : Optional.of(Reason.NOT_OURS),
          (w, s) -> s.untouched() ? Optional.empty() : Optional.of(Reason.EDITED),
          (w, s) ->
              Objects.equals(w.type(), s.type())
                  ? Optional.empty()
                  : Optional.of(Reason.TYPE_CHANGED),
          (w, s) ->
              w.registries().equals(s.registries())
                  ? Optional.empty()
                  : Optional.of(Reason.REGISTRIES_CHANGED),
          (w, s) ->
              s.labels().entrySet().containsAll(w.labels().entrySet())
                  ? Optional.empty()
                  : Optional.of(Reason.LABELS_CHANGED),
          (w, s) -> s.expiresAt().isPresent() ? Optional.empty() : Optional.of(Reason.NO_EXPIRY));

  /**
   * @param policy when a token is due for its refresh (its margin and jitter)
   * @param jitter the resource's stable pick of the jitter, as its refreshes use it
   */
  public static Verdict decide(
      Wanted wanted,
      Optional<Seen> seen,
      Instant now,
      RefreshPolicy policy,
      DoubleSupplier jitter) {
    if (seen.isEmpty()) {
      return new Verdict(Reason.ABSENT, Optional.empty());
    }
    Seen secret = seen.get();
    for (Check check : CHECKS) {
      Optional<Reason> failure = check.failure(wanted, secret);
      if (failure.isPresent()) {
        return new Verdict(failure.get(), Optional.empty());
      }
    }
    Instant expiresAt = secret.expiresAt().orElseThrow();
    if (!policy.dueAt(expiresAt, jitter).isAfter(now)) {
      return new Verdict(Reason.REFRESH_DUE, Optional.empty());
    }
    return new Verdict(Reason.FRESH, Optional.of(expiresAt));
  }
}
