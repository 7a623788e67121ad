package io.ecrsecret.kube;

import io.ecrsecret.core.StatusReason;

/**
 * A secret that cannot be written without losing something: one this program does not manage, one
 * of another type, or one whose content cannot be merged into. Nothing was written.
 */
public final class SecretConflictException extends RuntimeException {

  private final StatusReason reason;

  public SecretConflictException(StatusReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The reason for conditions and events. */
  public StatusReason reason() {
    return reason;
  }
}
