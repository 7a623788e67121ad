package io.ecrsecret.operator;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.ExpiredToken;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.operator.api.NamespaceFailure;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.RefreshReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one reconcile found, in the terms the status speaks. {@code Ready} says whether the secrets
 * hold a valid token; {@link #links} whether the service accounts link them.
 *
 * @param links the state of the service-account links; empty where the refresh did not get that far
 *     (it then stays as the status last said)
 * @param adopted namespaces where this reconcile took over an existing secret
 * @param healedPods pods deleted ({@code namespace/name}) so that their controllers make them again
 * @param namespacesReady for the cluster-scoped kind; null otherwise
 */
record SyncResult(
    boolean ready,
    String reason,
    String message,
    Optional<Instant> tokenExpiresAt,
    Optional<Instant> nextRefreshAt,
    boolean tokenWritten,
    Optional<LinkState> links,
    List<String> adopted,
    List<String> healedPods,
    Integer namespacesReady,
    Integer namespacesFailed,
    List<NamespaceFailure> failedNamespaces) {

  /**
   * Whether every service account the resource names links its secret: not when one is missing
   * (linked when it appears) or a link failed.
   */
  record LinkState(boolean linked, String reason, String message) {
    LinkState {
      message = DisplayText.clean(message, DisplayText.MESSAGE);
    }
  }

  private static final int MAX_LISTED_FAILURES = 20;
  private static final int MAX_LISTED = 5;

  SyncResult {
    // what reaches status, Events and logs: no control characters, bounded
    message = DisplayText.clean(message, DisplayText.MESSAGE);
    adopted = List.copyOf(adopted);
    healedPods = List.copyOf(healedPods);
    if (failedNamespaces != null) {
      failedNamespaces =
          failedNamespaces.stream()
              .map(
                  f ->
                      new NamespaceFailure(
                          f.getNamespace(),
                          f.getReason(),
                          DisplayText.clean(f.getMessage(), DisplayText.MESSAGE / 4)))
              .toList();
    }
  }

  private static final String NO_MATCH = StatusReason.NO_NAMESPACE_MATCHED.text();

  /** A failure before anything was tried (bad spec, identity not allowed, unusable keys). */
  static SyncResult failed(String reason, String message, boolean clusterScoped) {
    return new SyncResult(
        false,
        reason,
        message,
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty(),
        List.of(),
        List.of(),
        clusterScoped ? 0 : null,
        clusterScoped ? 0 : null,
        clusterScoped ? List.of() : null);
  }

  /**
   * @param linksAccounts whether the resource links service accounts (if not, no link state)
   */
  static SyncResult from(
      RefreshReport report, String secretName, boolean clusterScoped, boolean linksAccounts) {
    List<NamespaceOutcome> outcomes =
        report.namespaces().stream().filter(n -> !NO_MATCH.equals(n.reason())).toList();
    // a namespace whose secret is in place is ready, whatever became of its links
    List<NamespaceOutcome> failed = outcomes.stream().filter(n -> !n.secretInPlace()).toList();
    boolean written =
        outcomes.stream()
            .anyMatch(
                n ->
                    n.secretResult().equals(NamespaceOutcome.CREATED)
                        || n.secretResult().equals(NamespaceOutcome.UPDATED));
    String expiry = report.tokenExpiresAt().map(e -> " valid until " + e).orElse("");
    var expired = ExpiredToken.problem(report.tokenExpiresAt(), report.refreshedAt());
    if (expired.isPresent() && !outcomes.isEmpty()) {
      // never Ready with a token that no registry accepts any more
      return failed(StatusReason.TOKEN_EXPIRED.text(), expired.get(), clusterScoped);
    }
    var tooSoon =
        report
            .tokenExpiresAt()
            .filter(e -> failed.isEmpty() && !outcomes.isEmpty())
            .filter(e -> !report.nextRefreshAt().isBefore(e))
            .orElse(null);
    if (tooSoon != null) {
      // never Ready on a token that expires before it can be refreshed
      return failed(
          StatusReason.TOKEN_EXPIRES_TOO_SOON.text(),
          "AWS handed out a token that expires at "
              + tooSoon
              + ", before the next refresh can be made ("
              + report.nextRefreshAt()
              + "); pulls would fail in between. Check the AWS endpoint (AWS_ENDPOINT_URL) that"
              + " answered",
          clusterScoped);
    }
    String reason;
    String message;
    if (failed.isEmpty()) {
      reason = StatusReason.SECRET_READY.text();
      message =
          clusterScoped
              ? (outcomes.isEmpty()
                  ? "no namespace matches yet; new ones get secret "
                      + secretName
                      + " within seconds"
                  : "secret "
                      + secretName
                      + " holds a token"
                      + expiry
                      + " in "
                      + outcomes.size()
                      + " namespaces")
              : "secret "
                  + secretName
                  + " holds a token for "
                  + String.join(", ", report.registries())
                  + expiry;
    } else if (!clusterScoped) {
      reason = failed.get(0).reason();
      message = String.join("; ", failed.get(0).problems());
    } else {
      boolean sameCause = failed.stream().map(NamespaceOutcome::reason).distinct().count() == 1;
      reason =
          sameCause && failed.size() == outcomes.size()
              ? failed.get(0).reason()
              : StatusReason.NAMESPACES_FAILED.text();
      message =
          failed.size()
              + " of "
              + outcomes.size()
              + " namespaces failed: "
              + failed.stream()
                  .limit(MAX_LISTED)
                  .map(n -> n.namespace() + " (" + n.reason() + ")")
                  .collect(Collectors.joining(", "))
              + (failed.size() > MAX_LISTED ? ", ..." : "")
              + ". First: "
              + String.join("; ", failed.get(0).problems());
    }
    var healed = new ArrayList<String>();
    outcomes.forEach(n -> n.healedPods().forEach(p -> healed.add(n.namespace() + "/" + p)));
    return new SyncResult(
        failed.isEmpty(),
        reason,
        message,
        report.tokenExpiresAt(),
        failed.isEmpty() ? Optional.of(report.nextRefreshAt()) : Optional.empty(),
        written,
        linksAccounts ? links(outcomes) : Optional.empty(),
        outcomes.stream()
            .filter(NamespaceOutcome::adopted)
            .map(NamespaceOutcome::namespace)
            .toList(),
        healed,
        clusterScoped ? outcomes.size() - failed.size() : null,
        clusterScoped ? failed.size() : null,
        clusterScoped
            ? failed.stream()
                .limit(MAX_LISTED_FAILURES)
                .map(
                    n ->
                        new NamespaceFailure(
                            n.namespace(), n.reason(), String.join("; ", n.problems())))
                .toList()
            : null);
  }

  /**
   * The links of the namespaces whose secret is in place: failed (a link refused), waiting (an
   * account that does not exist yet), or all made.
   */
  private static Optional<LinkState> links(List<NamespaceOutcome> outcomes) {
    var inPlace = outcomes.stream().filter(NamespaceOutcome::secretInPlace).toList();
    if (inPlace.isEmpty()) {
      return Optional.empty();
    }
    var failed =
        inPlace.stream().filter(n -> NamespaceOutcome.LINK_FAILED.equals(n.reason())).toList();
    if (!failed.isEmpty()) {
      return Optional.of(
          new LinkState(
              false,
              NamespaceOutcome.LINK_FAILED,
              failed.stream()
                      .limit(MAX_LISTED)
                      .map(n -> String.join("; ", n.problems()))
                      .collect(Collectors.joining("; "))
                  + (failed.size() > MAX_LISTED
                      ? "; and in " + (failed.size() - MAX_LISTED) + " more namespaces"
                      : "")));
    }
    var waiting = inPlace.stream().filter(n -> !n.awaitedServiceAccounts().isEmpty()).toList();
    if (!waiting.isEmpty()) {
      return Optional.of(
          new LinkState(
              false,
              StatusReason.SERVICE_ACCOUNT_MISSING.text(),
              "waiting for service account "
                  + waiting.stream()
                      .limit(MAX_LISTED)
                      .flatMap(
                          n ->
                              n.awaitedServiceAccounts().stream().map(a -> n.namespace() + "/" + a))
                      .collect(Collectors.joining(", "))
                  + (waiting.size() > MAX_LISTED
                      ? " and in " + (waiting.size() - MAX_LISTED) + " more namespaces"
                      : "")
                  + ": it does not exist; the secret is linked to it when it is created"));
    }
    return Optional.of(
        new LinkState(
            true, StatusReason.LINKED.text(), "every service account named links the secret"));
  }
}
