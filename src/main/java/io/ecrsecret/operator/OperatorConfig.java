package io.ecrsecret.operator;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.core.Syntax;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the operator runs. Every field has a documented default, held by {@link #builder()}; the
 * {@code operator} command sets them from its options and their environment variables.
 *
 * @param watchNamespaces namespaces whose EcrPullSecrets (and rh-mobb's kinds) are served; empty:
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
 * @param compat serve rh-mobb's ecr.mobb.redhat.com kinds where their CRDs are installed (default
 *     yes)
 * @param compatCredentialsSecret the Secret in the operator's namespace whose {@code credentials}
 *     key (an AWS shared credentials file, profile {@code default}) rh-mobb's kinds use, as
 *     rh-mobb's operator read {@code aws-ecr-cloud-credentials} (default: none, the operator's own
 *     identity)
 * @param compatIdentityNamespaces namespaces (names or globs) whose rh-mobb resources may use the
 *     compat credentials (or the operator's own identity) where {@code
 *     defaultIdentityForNamespaced} is off; elsewhere they are refused, as an EcrPullSecret without
 *     {@code aws} is (default none)
 * @param compatAdoptOtherSecrets whether rh-mobb's kinds may adopt a secret of their name that
 *     rh-mobb's operator did not make (recorded, given back as it was when the resource goes);
 *     otherwise it is left alone, {@code SecretNotManaged} (default no)
 * @param maxReconcileInterval reconcile at least this often even without events (default 1h)
 * @param identity this replica's name in the leader election (default: the host name)
 * @param retryBackoff the first wait after a known failure; doubled each time, up to 10m (default
 *     15s)
 * @param ownPullSecretRegistries the registries the operator's own image comes from: the leader
 *     keeps {@code ownPullSecretName} in its namespace valid for them (default none: nothing kept)
 * @param ownPullSecretName the pull secret the operator's pods name (default
 *     ecr-secret-operator-pull)
 * @param registryEndpoints where a registry is reached to prove a pull ({@code spec.verify}), host
 *     to URL, where not at {@code https://HOST} (a mirror, a proxy; default none)
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
    Optional<String> compatCredentialsSecret,
    List<String> compatIdentityNamespaces,
    boolean compatAdoptOtherSecrets,
    Duration maxReconcileInterval,
    Optional<String> identity,
    Duration retryBackoff,
    List<RegistryRef> ownPullSecretRegistries,
    String ownPullSecretName,
    java.util.Map<String, java.net.URI> registryEndpoints) {

  public OperatorConfig {
    watchNamespaces = List.copyOf(watchNamespaces);
    allowedRoleArns = List.copyOf(allowedRoleArns);
    compatIdentityNamespaces = List.copyOf(compatIdentityNamespaces);
    ownPullSecretRegistries = List.copyOf(ownPullSecretRegistries);
    registryEndpoints = java.util.Map.copyOf(registryEndpoints);
    Objects.requireNonNull(ownPullSecretName, "ownPullSecretName");
    if (!Syntax.DNS_SUBDOMAIN_PATTERN.matcher(ownPullSecretName).matches()) {
      throw new IllegalArgumentException(
          "--own-pull-secret must be a Secret name (lower case letters, digits, '-' and '.'), got "
              + DisplayText.clean(ownPullSecretName, DisplayText.VALUE));
    }
    compatIdentityNamespaces.forEach(NamespacePattern::new); // validates each name or glob
    watchNamespaces.forEach(NamespacePattern::new); // validates each name
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    Objects.requireNonNull(compatCredentialsSecret, "compatCredentialsSecret");
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

  /**
   * The defaults, declared once: the builder starts from them, and the {@code operator} command's
   * options show and use the same constants.
   */
  public static final class Defaults {
    public static final String METRICS_PORT = "8080";
    public static final String HEALTH_PORT = "8081";
    public static final String LEASE_NAME = "ecr-secret-operator";
    public static final String MAX_RECONCILE_INTERVAL = "1h";
    public static final String RETRY_BACKOFF = "15s";
    public static final String OWN_PULL_SECRET = "ecr-secret-operator-pull";

    private Defaults() {}
  }

  /** Every field at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The fields of an {@link OperatorConfig}, each at its documented default until set. */
  public static final class Builder {
    private List<String> watchNamespaces = List.of();
    private int metricsPort = Integer.parseInt(Defaults.METRICS_PORT);
    private int healthPort = Integer.parseInt(Defaults.HEALTH_PORT);
    private boolean leaderElection = true;
    private String leaseName = Defaults.LEASE_NAME;
    private Optional<String> leaseNamespace = Optional.empty();
    private List<String> allowedRoleArns = List.of();
    private boolean defaultIdentityForNamespaced = true;
    private boolean compat = true;
    private Optional<String> compatCredentialsSecret = Optional.empty();
    private List<String> compatIdentityNamespaces = List.of();
    private boolean compatAdoptOtherSecrets;
    private Duration maxReconcileInterval = DurationText.parse(Defaults.MAX_RECONCILE_INTERVAL);
    private Optional<String> identity = Optional.empty();
    private Duration retryBackoff = DurationText.parse(Defaults.RETRY_BACKOFF);
    private List<RegistryRef> ownPullSecretRegistries = List.of();
    private String ownPullSecretName = Defaults.OWN_PULL_SECRET;
    private java.util.Map<String, java.net.URI> registryEndpoints = java.util.Map.of();

    private Builder() {}

    public Builder watchNamespaces(List<String> watchNamespaces) {
      this.watchNamespaces = watchNamespaces;
      return this;
    }

    public Builder ports(int metricsPort, int healthPort) {
      this.metricsPort = metricsPort;
      this.healthPort = healthPort;
      return this;
    }

    public Builder leaderElection(boolean leaderElection) {
      this.leaderElection = leaderElection;
      return this;
    }

    public Builder lease(String leaseName, Optional<String> leaseNamespace) {
      this.leaseName = leaseName;
      this.leaseNamespace = leaseNamespace;
      return this;
    }

    public Builder allowedRoleArns(List<String> allowedRoleArns) {
      this.allowedRoleArns = allowedRoleArns;
      return this;
    }

    public Builder defaultIdentityForNamespaced(boolean defaultIdentityForNamespaced) {
      this.defaultIdentityForNamespaced = defaultIdentityForNamespaced;
      return this;
    }

    public Builder compat(boolean compat) {
      this.compat = compat;
      return this;
    }

    public Builder compatCredentialsSecret(Optional<String> compatCredentialsSecret) {
      this.compatCredentialsSecret = compatCredentialsSecret;
      return this;
    }

    public Builder compatIdentityNamespaces(List<String> compatIdentityNamespaces) {
      this.compatIdentityNamespaces = compatIdentityNamespaces;
      return this;
    }

    public Builder compatAdoptOtherSecrets(boolean compatAdoptOtherSecrets) {
      this.compatAdoptOtherSecrets = compatAdoptOtherSecrets;
      return this;
    }

    public Builder maxReconcileInterval(Duration maxReconcileInterval) {
      this.maxReconcileInterval = maxReconcileInterval;
      return this;
    }

    public Builder identity(Optional<String> identity) {
      this.identity = identity;
      return this;
    }

    public Builder retryBackoff(Duration retryBackoff) {
      this.retryBackoff = retryBackoff;
      return this;
    }

    /**
     * Registries as given ({@code ACCOUNT.dkr.ecr.REGION.amazonaws.com}), and the secret's name.
     */
    public Builder ownPullSecret(List<String> registries, String name) {
      this.ownPullSecretRegistries = registries.stream().map(RegistryRef::parse).toList();
      this.ownPullSecretName = name;
      return this;
    }

    /**
     * Registry hosts and the URLs they are reached at, as given ({@code HOST=URL}).
     *
     * @throws IllegalArgumentException naming the option, when a URL is not an http(s) URL
     */
    public Builder registryEndpoints(java.util.Map<String, String> endpoints) {
      var parsed = new java.util.TreeMap<String, java.net.URI>();
      endpoints.forEach(
          (host, url) -> {
            java.net.URI uri;
            try {
              uri = java.net.URI.create(url.trim());
            } catch (IllegalArgumentException e) {
              uri = null;
            }
            if (uri == null
                || uri.getHost() == null
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
              throw new IllegalArgumentException(
                  "--registry-endpoint "
                      + DisplayText.clean(host, DisplayText.VALUE)
                      + "=URL needs an http(s) URL, got "
                      + DisplayText.clean(url, DisplayText.VALUE));
            }
            parsed.put(host.trim().toLowerCase(java.util.Locale.ROOT), uri);
          });
      this.registryEndpoints = parsed;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the option, when a value is out of range
     */
    public OperatorConfig build() {
      return new OperatorConfig(
          watchNamespaces,
          metricsPort,
          healthPort,
          leaderElection,
          leaseName,
          leaseNamespace,
          allowedRoleArns,
          defaultIdentityForNamespaced,
          compat,
          compatCredentialsSecret,
          compatIdentityNamespaces,
          compatAdoptOtherSecrets,
          maxReconcileInterval,
          identity,
          retryBackoff,
          ownPullSecretRegistries,
          ownPullSecretName,
          registryEndpoints);
    }
  }
}
