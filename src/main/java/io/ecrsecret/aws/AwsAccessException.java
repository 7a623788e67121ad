package io.ecrsecret.aws;

/**
 * A failure to get an ECR token that a person can act on. The message says what happened, to which
 * identity, and what to do; it never holds a key or a token.
 */
public final class AwsAccessException extends RuntimeException {

  /** What went wrong, for status reasons, metrics and exit codes. */
  public enum Kind {
    NO_CREDENTIALS("NoCredentials"),
    INVALID_CREDENTIALS("InvalidCredentials"),
    ACCESS_DENIED("AccessDenied"),
    UNKNOWN_REGION("UnknownRegion"),
    THROTTLED("Throttled"),
    UNREACHABLE("EndpointUnreachable"),
    AWS_ERROR("AwsError");

    private final String reason;

    Kind(String reason) {
      this.reason = reason;
    }

    /** A CamelCase reason, as Kubernetes conditions use. */
    public String reason() {
      return reason;
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
