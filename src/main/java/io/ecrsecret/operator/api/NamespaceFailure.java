package io.ecrsecret.operator.api;

import java.util.Objects;

/** A namespace a ClusterEcrPullSecret could not serve, and why. */
public class NamespaceFailure {

  private String namespace;
  private String reason;
  private String message;

  public NamespaceFailure() {}

  public NamespaceFailure(String namespace, String reason, String message) {
    this.namespace = namespace;
    this.reason = reason;
    this.message = message;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespaceFailure f
        && Objects.equals(namespace, f.namespace)
        && Objects.equals(reason, f.reason)
        && Objects.equals(message, f.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, reason, message);
  }
}
