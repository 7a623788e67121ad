package io.ecrsecret.core;

/** A registry reference that is not an ECR registry; the message says what was expected. */
public final class InvalidRegistryException extends IllegalArgumentException {
  public InvalidRegistryException(String message) {
    super(message);
  }
}
