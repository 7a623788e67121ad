package io.ecrsecret.aws;

import io.ecrsecret.core.StatusReason;

/**
 * A failure to get an ECR token that a person can act on. The message says what happened, to which
 * identity, and what to do; it never holds a key or a token.
 */
public final class AwsAccessException extends RuntimeException {

  /** What went wrong, for status reasons, metrics and exit codes. */
  public enum Kind {
    NO_CREDENTIALS(StatusReason.NO_CREDENTIALS),
    INVALID_CREDENTIALS(StatusReason.INVALID_CREDENTIALS),
    ACCESS_DENIED(StatusReason.ACCESS_DENIED),
    UNKNOWN_REGION(StatusReason.UNKNOWN_REGION),
    THROTTLED(StatusReason.THROTTLED),
    UNREACHABLE(StatusReason.ENDPOINT_UNREACHABLE),
    AWS_ERROR(StatusReason.AWS_ERROR);

    private final StatusReason reason;

    Kind(StatusReason reason) {
      this.reason = reason;
    }

    /** A CamelCase reason, as Kubernetes conditions use. */
    public String reason() {
      return reason.text();
    }
  }

  private final Kind kind;

  public AwsAccessException(Kind kind, String message) {
    // it names what the user wrote (a role ARN, a region): printable, whatever they wrote
    super(
        io.ecrsecret.core.DisplayText.clean(message, 4 * io.ecrsecret.core.DisplayText.MESSAGE),
        null,
        false,
        false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether trying again later may help without anyone changing anything. */
  public boolean isTransient() {
    return kind == Kind.THROTTLED || kind == Kind.UNREACHABLE || kind == Kind.AWS_ERROR;
  }
}
