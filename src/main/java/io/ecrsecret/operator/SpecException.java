package io.ecrsecret.operator;

import java.util.function.Supplier;

/**
 * A resource's spec says something the CRD schema could not rule out (a duration it cannot parse, a
 * registry that is not ECR's, two options that exclude each other). The user's to fix: reported in
 * status and an Event as {@code InvalidSpec}, without a stack trace (a change to the spec is
 * reconciled at once). Thrown only where a spec is read; any other exception is a fault of ours or
 * of the cluster, and goes to the framework's retry with its stack trace.
 */
final class SpecException extends RuntimeException {

  SpecException(String message) {
    super(message);
  }

  /**
   * Reads a spec with the project's parsers, which say what is wrong with an {@link
   * IllegalArgumentException}: that becomes a {@link SpecException}, prefixed with the field.
   */
  static <T> T reading(String field, Supplier<T> read) {
    try {
      return read.get();
    } catch (SpecException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SpecException(field.isEmpty() ? e.getMessage() : field + ": " + e.getMessage());
    }
  }
}
