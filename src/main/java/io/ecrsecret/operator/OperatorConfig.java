package io.ecrsecret.operator;

import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespacePattern;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the operator runs. Every field has a documented default ({@link #defaults()}); the {@code
 * operator} command sets them from its options and their environment variables.
 *
 * @param watchNamespaces namespaces whose EcrPullSecrets (and seed-003 kinds) are served; empty:
 *     all, and ClusterEcrPullSecrets too (default). With a list, the operator needs only Roles in
 *     those namespaces, and does not serve the cluster-scoped kind.
 * @param metricsPort Prometheus {@code /metrics} (default 8080; 0 picks a free port)
 * @param healthPort {@code /healthz} and {@code /readyz} (default 8081; 0 picks a free port)
 * @param leaderElection only the leader reconciles, so several replicas are safe (default on)
 * @param leaseName the Lease that elects the leader (default ecr-secret-operator)
 * @param leaseNamespace where the Lease lives (default: the operator's namespace)
 * @param allowedRoleArns role ARNs (globs) any namespaced resource may assume (default none)
 * @param defaultIdentityForNamespaced whether namespaced resources without an identity may use the
 *     operator's own (default yes)
 * @param compat serve seed 003's ecr.mobb.redhat.com kinds where their CRDs are installed (default
 *     yes)
 * @param maxReconcileInterval reconcile at least this often even without events (default 1h)
 * @param identity this replica's name in the leader election (default: the host name)
 * @param retryBackoff the first wait after a known failure; doubled each time, up to 10m (default
 *     15s)
 */
public record OperatorConfig(
    List<String> watchNamespaces,
    int metricsPort,
    int healthPort,
    boolean leaderElection,
    String leaseName,
    Optional<String> leaseNamespace,
    List<String> allowedRoleArns,
    boolean defaultIdentityForNamespaced,
    boolean compat,
    Duration maxReconcileInterval,
    Optional<String> identity,
    Duration retryBackoff) {

  public OperatorConfig {
    watchNamespaces = List.copyOf(watchNamespaces);
    allowedRoleArns = List.copyOf(allowedRoleArns);
    watchNamespaces.forEach(NamespacePattern::new); // validates each name
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    Objects.requireNonNull(maxReconcileInterval, "maxReconcileInterval");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    if (maxReconcileInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "--max-reconcile-interval must be at least 1s (it bounds how long a resource may go"
              + " unchecked; 0 would reconcile in a loop), got "
              + DurationText.format(maxReconcileInterval));
    }
    if (retryBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "--retry-backoff must be at least 1s (the first wait after a failure; 0 would retry in a"
              + " loop), got "
              + DurationText.format(retryBackoff));
    }
    if (metricsPort < 0 || metricsPort > 65535 || healthPort < 0 || healthPort > 65535) {
      throw new IllegalArgumentException("ports must be between 0 and 65535");
    }
    if (metricsPort != 0 && metricsPort == healthPort) {
      throw new IllegalArgumentException(
          "metrics and health ports must differ, both are " + metricsPort);
    }
  }

  public static OperatorConfig defaults() {
    return new OperatorConfig(
        List.of(),
        8080,
        8081,
        true,
        "ecr-secret-operator",
        Optional.empty(),
        List.of(),
        true,
        true,
        Duration.ofHours(1),
        Optional.empty(),
        Duration.ofSeconds(15));
  }
}
