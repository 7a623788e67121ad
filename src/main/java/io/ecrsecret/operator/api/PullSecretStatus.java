package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The observed state of a pull-secret resource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// a field a newer CRD has and this version does not know is ignored, not fatal: an operator
// rolled back after its CRDs were upgraded keeps serving
@JsonIgnoreProperties(ignoreUnknown = true)
public class PullSecretStatus {

  @JsonPropertyDescription("The generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready: True when every secret holds a valid token. ServiceAccountsLinked: True when every"
          + " service account named links it (False while one does not exist yet, or a link"
          + " failed).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When a new token was last written.")
  private String lastRefreshTime;

  @JsonPropertyDescription("When the token in the secret expires (the token's own expiry).")
  private String tokenExpiresAt;

  @JsonPropertyDescription("When the next refresh is planned.")
  private String nextRefreshTime;

  @JsonPropertyDescription(
      "When this resource took over a secret that existed before it (made by hand, or by the"
          + " operator this one replaces) rather than creating it.")
  private String secretAdoptedAt;

  @JsonPropertyDescription("ClusterEcrPullSecret: namespaces holding a valid secret.")
  private Integer namespacesReady;

  @JsonPropertyDescription("ClusterEcrPullSecret: namespaces that failed.")
  private Integer namespacesFailed;

  @JsonPropertyDescription("ClusterEcrPullSecret: the failed namespaces (at most 20), and why.")
  private List<NamespaceFailure> failedNamespaces;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getLastRefreshTime() {
    return lastRefreshTime;
  }

  public void setLastRefreshTime(String lastRefreshTime) {
    this.lastRefreshTime = lastRefreshTime;
  }

  public String getTokenExpiresAt() {
    return tokenExpiresAt;
  }

  public void setTokenExpiresAt(String tokenExpiresAt) {
    this.tokenExpiresAt = tokenExpiresAt;
  }

  public String getNextRefreshTime() {
    return nextRefreshTime;
  }

  public void setNextRefreshTime(String nextRefreshTime) {
    this.nextRefreshTime = nextRefreshTime;
  }

  public Integer getNamespacesReady() {
    return namespacesReady;
  }

  public void setNamespacesReady(Integer namespacesReady) {
    this.namespacesReady = namespacesReady;
  }

  public Integer getNamespacesFailed() {
    return namespacesFailed;
  }

  public void setNamespacesFailed(Integer namespacesFailed) {
    this.namespacesFailed = namespacesFailed;
  }

  public List<NamespaceFailure> getFailedNamespaces() {
    return failedNamespaces;
  }

  public void setFailedNamespaces(List<NamespaceFailure> failedNamespaces) {
    this.failedNamespaces = failedNamespaces;
  }

  public String getSecretAdoptedAt() {
    return secretAdoptedAt;
  }

  public void setSecretAdoptedAt(String secretAdoptedAt) {
    this.secretAdoptedAt = secretAdoptedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PullSecretStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(lastRefreshTime, s.lastRefreshTime)
        && Objects.equals(tokenExpiresAt, s.tokenExpiresAt)
        && Objects.equals(nextRefreshTime, s.nextRefreshTime)
        && Objects.equals(secretAdoptedAt, s.secretAdoptedAt)
        && Objects.equals(namespacesReady, s.namespacesReady)
        && Objects.equals(namespacesFailed, s.namespacesFailed)
        && Objects.equals(failedNamespaces, s.failedNamespaces);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration, conditions, lastRefreshTime, tokenExpiresAt, nextRefreshTime);
  }
}
