package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsAccessException;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.operator.api.NamespaceFailure;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.RefreshReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one reconcile found, in the terms the status speaks.
 *
 * @param transientFailure a failure that may pass by itself (throttling, network): retried sooner
 * @param namespacesReady for the cluster-scoped kind; null otherwise
 */
record SyncResult(
    boolean ready,
    String reason,
    String message,
    Optional<Instant> tokenExpiresAt,
    Optional<Instant> nextRefreshAt,
    boolean tokenWritten,
    boolean transientFailure,
    Integer namespacesReady,
    Integer namespacesFailed,
    List<NamespaceFailure> failedNamespaces) {

  private static final int MAX_LISTED_FAILURES = 20;

  SyncResult {
    // what reaches status, Events and logs: no control characters, bounded
    message = DisplayText.clean(message, DisplayText.MESSAGE);
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

  private static final String NO_MATCH = "NoNamespaceMatched";

  /** A failure before anything was tried (bad spec, identity not allowed, unusable keys). */
  static SyncResult failed(String reason, String message, boolean clusterScoped) {
    return new SyncResult(
        false,
        reason,
        message,
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        clusterScoped ? 0 : null,
        clusterScoped ? 0 : null,
        clusterScoped ? List.of() : null);
  }

  static SyncResult from(RefreshReport report, String secretName, boolean clusterScoped) {
    List<NamespaceOutcome> outcomes =
        report.namespaces().stream().filter(n -> !NO_MATCH.equals(n.reason())).toList();
    List<NamespaceOutcome> failed = outcomes.stream().filter(n -> !n.succeeded()).toList();
    boolean written =
        outcomes.stream()
            .anyMatch(
                n ->
                    n.result().equals(NamespaceOutcome.CREATED)
                        || n.result().equals(NamespaceOutcome.UPDATED));
    boolean transientFailure = failed.stream().anyMatch(n -> isTransient(n.reason()));
    String expiry = report.tokenExpiresAt().map(e -> " valid until " + e).orElse("");
    var expired =
        report.tokenExpiresAt().filter(e -> !e.isAfter(report.refreshedAt())).orElse(null);
    if (expired != null && !outcomes.isEmpty()) {
      // never Ready with a token that no registry accepts any more
      return failed(
          "TokenExpired",
          "AWS handed out a token that expired at "
              + expired
              + " (this machine's clock says "
              + report.refreshedAt()
              + "); the secret cannot authenticate. Check the clock, and the AWS endpoint"
              + " (AWS_ENDPOINT_URL) that answered",
          clusterScoped);
    }
    String reason;
    String message;
    if (failed.isEmpty()) {
      reason = "SecretReady";
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
              : "NamespacesFailed";
      message =
          failed.size()
              + " of "
              + outcomes.size()
              + " namespaces failed: "
              + failed.stream()
                  .limit(5)
                  .map(n -> n.namespace() + " (" + n.reason() + ")")
                  .collect(Collectors.joining(", "))
              + (failed.size() > 5 ? ", ..." : "")
              + ". First: "
              + String.join("; ", failed.get(0).problems());
    }
    return new SyncResult(
        failed.isEmpty(),
        reason,
        message,
        report.tokenExpiresAt(),
        failed.isEmpty() ? Optional.of(report.nextRefreshAt()) : Optional.empty(),
        written,
        transientFailure,
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

  private static boolean isTransient(String reason) {
    for (AwsAccessException.Kind kind : AwsAccessException.Kind.values()) {
      if (kind.reason().equals(reason)) {
        return new AwsAccessException(kind, "").isTransient();
      }
    }
    return reason.equals("KubernetesError");
  }
}
