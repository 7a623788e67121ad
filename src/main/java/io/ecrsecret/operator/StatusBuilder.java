package io.ecrsecret.operator;

import io.ecrsecret.operator.api.PullSecretStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a resource's status from a reconcile's result and its previous status: keeps each
 * condition's {@code lastTransitionTime} unless its status changes, keeps what the result does not
 * know (the expiry of the token still in place, when it was last written, the links' state when the
 * refresh did not get to them), so that a reconcile with nothing new builds a status equal to the
 * previous one, and nothing is written.
 */
final class StatusBuilder {

  /** Whether the secrets hold a valid token. */
  static final String READY = "Ready";

  /** Whether the service accounts named link the secret. */
  static final String LINKED = "ServiceAccountsLinked";

  /** Whether a pull of the image the resource names is allowed with the secret. */
  static final String PULL_VERIFIED = "PullVerified";

  private StatusBuilder() {}

  static <S extends PullSecretStatus> S build(
      S previous, S fresh, long generation, Instant now, SyncResult result) {
    S prior = previous;
    List<Condition> conditions = new ArrayList<>();
    if (prior != null && prior.getConditions() != null) {
      prior.getConditions().stream()
          .filter(c -> !READY.equals(c.getType()) && !LINKED.equals(c.getType()))
          .forEach(conditions::add);
    }
    conditions.add(
        condition(
            prior, READY, result.ready(), result.reason(), result.message(), generation, now));
    if (result.links().isPresent()) {
      var links = result.links().get();
      conditions.add(
          condition(
              prior, LINKED, links.linked(), links.reason(), links.message(), generation, now));
    } else if (!result.ready() && result.tokenExpiresAt().isEmpty()) {
      // a failure before the links were reached keeps what the status said of them; a refresh
      // that says nothing of links (a kind linking none) drops the condition
      condition(prior, LINKED).ifPresent(conditions::add);
    }
    fresh.setConditions(conditions);
    fresh.setObservedGeneration(generation);
    fresh.setLastRefreshTime(
        result.tokenWritten() ? time(now) : prior == null ? null : prior.getLastRefreshTime());
    fresh.setTokenExpiresAt(
        result
            .tokenExpiresAt()
            .map(StatusBuilder::time)
            .orElse(prior == null ? null : prior.getTokenExpiresAt()));
    fresh.setNextRefreshTime(
        result
            .nextRefreshAt()
            .map(StatusBuilder::time)
            .orElse(prior == null ? null : prior.getNextRefreshTime()));
    fresh.setSecretAdoptedAt(
        prior != null && prior.getSecretAdoptedAt() != null
            ? prior.getSecretAdoptedAt()
            : result.adopted().isEmpty() ? null : time(now));
    fresh.setNamespacesReady(result.namespacesReady());
    fresh.setNamespacesFailed(result.namespacesFailed());
    fresh.setFailedNamespaces(result.failedNamespaces());
    return fresh;
  }

  /**
   * The {@code PullVerified} condition: set from this reconcile's verification, kept as it was
   * where none was made, removed where the resource no longer asks for one.
   */
  static void pullVerified(
      PullSecretStatus status,
      PullSecretStatus prior,
      boolean asked,
      Optional<PullVerifier.Verification> verification,
      long generation,
      Instant now) {
    if (!asked) {
      status.getConditions().removeIf(c -> PULL_VERIFIED.equals(c.getType()));
      return;
    }
    verification.ifPresent(
        v -> {
          status.getConditions().removeIf(c -> PULL_VERIFIED.equals(c.getType()));
          status
              .getConditions()
              .add(
                  condition(
                      prior,
                      PULL_VERIFIED,
                      v.verified(),
                      v.reason().text(),
                      v.message(),
                      generation,
                      now));
        });
  }

  private static Condition condition(
      PullSecretStatus prior,
      String type,
      boolean holds,
      String reason,
      String message,
      long generation,
      Instant now) {
    String status = holds ? "True" : "False";
    String transition =
        condition(prior, type)
            .filter(c -> status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(time(now));
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(
            io.ecrsecret.core.DisplayText.clean(message, io.ecrsecret.core.DisplayText.MESSAGE))
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  static Optional<Condition> readyCondition(PullSecretStatus status) {
    return condition(status, READY);
  }

  static Optional<Condition> condition(PullSecretStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
