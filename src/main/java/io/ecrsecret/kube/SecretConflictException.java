package io.ecrsecret.kube;

/**
 * A secret that cannot be written without losing something: one this program does not manage, one
 * of another type, or one whose content cannot be merged into. Nothing was written.
 */
public final class SecretConflictException extends RuntimeException {

  private final String reason;

  public SecretConflictException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** A CamelCase reason for conditions and events. */
  public String reason() {
    return reason;
  }
}
