package io.ecrsecret.testing;

import io.ecrsecret.operator.OperatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An {@link OperatorConfig} for an operator run inside a test's JVM: ephemeral ports, no leader
 * election, no compat kinds, identity and lease named after the test; each setter changes one
 * field.
 */
public final class TestOperatorConfig {

  private List<String> watchNamespaces = List.of();
  private boolean leaderElection;
  private String leaseName;
  private Optional<String> leaseNamespace = Optional.empty();
  private boolean compat;
  private Optional<String> compatCredentialsSecret = Optional.empty();
  private Duration maxReconcileInterval = Duration.ofHours(1);
  private String identity;
  private Duration retryBackoff = Duration.ofSeconds(1);
  private boolean defaultIdentityForNamespaced = true;
  private List<String> compatIdentityNamespaces = List.of();
  private boolean compatAdoptOtherSecrets;
  private java.util.Map<String, String> registryEndpoints = java.util.Map.of();
  private List<String> allowedRoleArns = List.of();

  private TestOperatorConfig(String name) {
    this.leaseName = name;
    this.identity = name;
  }

  public static TestOperatorConfig named(String name) {
    return new TestOperatorConfig(name);
  }

  public TestOperatorConfig watching(List<String> namespaces) {
    this.watchNamespaces = namespaces;
    return this;
  }

  public TestOperatorConfig leaderElection(String leaseName, String leaseNamespace) {
    this.leaderElection = true;
    this.leaseName = leaseName;
    this.leaseNamespace = Optional.of(leaseNamespace);
    return this;
  }

  public TestOperatorConfig compat() {
    this.compat = true;
    return this;
  }

  public TestOperatorConfig maxReconcileInterval(Duration interval) {
    this.maxReconcileInterval = interval;
    return this;
  }

  public TestOperatorConfig identity(String identity) {
    this.identity = identity;
    return this;
  }

  public TestOperatorConfig retryBackoff(Duration backoff) {
    this.retryBackoff = backoff;
    return this;
  }

  /** The operator's own namespace (where the lease and rh-mobb's credentials Secret live). */
  public TestOperatorConfig operatorNamespace(String namespace) {
    this.leaseNamespace = Optional.of(namespace);
    return this;
  }

  public TestOperatorConfig compatCredentialsSecret(String name) {
    this.compatCredentialsSecret = Optional.of(name);
    return this;
  }

  /** As {@code --no-default-identity-for-namespaced}. */
  public TestOperatorConfig noDefaultIdentityForNamespaced() {
    this.defaultIdentityForNamespaced = false;
    return this;
  }

  public TestOperatorConfig compatIdentityNamespaces(List<String> namespaces) {
    this.compatIdentityNamespaces = namespaces;
    return this;
  }

  /** As {@code --compat-adopt-other-secrets}. */
  public TestOperatorConfig compatAdoptOtherSecrets() {
    this.compatAdoptOtherSecrets = true;
    return this;
  }

  /** As {@code --allowed-role-arns}. */
  public TestOperatorConfig allowedRoleArns(List<String> globs) {
    this.allowedRoleArns = globs;
    return this;
  }

  /** As {@code --registry-endpoint HOST=URL}. */
  /** Where the operator reaches a registry to prove a pull; each call adds one. */
  public TestOperatorConfig registryEndpoint(String host, String url) {
    var endpoints = new java.util.LinkedHashMap<>(registryEndpoints);
    endpoints.put(host, url);
    this.registryEndpoints = java.util.Map.copyOf(endpoints);
    return this;
  }

  public OperatorConfig build() {
    return OperatorConfig.builder()
        .watchNamespaces(watchNamespaces)
        .ports(0, 0)
        .leaderElection(leaderElection)
        .lease(leaseName, leaseNamespace)
        .compat(compat)
        .compatCredentialsSecret(compatCredentialsSecret)
        .defaultIdentityForNamespaced(defaultIdentityForNamespaced)
        .compatIdentityNamespaces(compatIdentityNamespaces)
        .compatAdoptOtherSecrets(compatAdoptOtherSecrets)
        .maxReconcileInterval(maxReconcileInterval)
        .identity(Optional.of(identity))
        .retryBackoff(retryBackoff)
        .registryEndpoints(registryEndpoints)
        .allowedRoleArns(allowedRoleArns)
        .build();
  }
}
