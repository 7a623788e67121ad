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
 * Builds a resource's status from a reconcile's result and its previous status: keeps the Ready
 * condition's {@code lastTransitionTime} unless its status changes, keeps what the result does not
 * know (the expiry of the token still in place, when it was last written), so that a reconcile with
 * nothing new builds a status equal to the previous one, and nothing is written.
 */
final class StatusBuilder {

  static final String READY = "Ready";

  private StatusBuilder() {}

  static <S extends PullSecretStatus> S build(
      S previous, S fresh, long generation, Instant now, SyncResult result) {
    S prior = previous;
    Optional<Condition> before = readyCondition(prior);
    String status = result.ready() ? "True" : "False";
    String transition =
        before
            .filter(c -> status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(time(now));
    Condition ready =
        new ConditionBuilder()
            .withType(READY)
            .withStatus(status)
            .withReason(result.reason())
            .withMessage(result.message())
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    List<Condition> conditions = new ArrayList<>();
    if (prior != null && prior.getConditions() != null) {
      prior.getConditions().stream()
          .filter(c -> !READY.equals(c.getType()))
          .forEach(conditions::add);
    }
    conditions.add(ready);
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
    fresh.setNamespacesReady(result.namespacesReady());
    fresh.setNamespacesFailed(result.namespacesFailed());
    fresh.setFailedNamespaces(result.failedNamespaces());
    return fresh;
  }

  static Optional<Condition> readyCondition(PullSecretStatus status) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
  }

  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
