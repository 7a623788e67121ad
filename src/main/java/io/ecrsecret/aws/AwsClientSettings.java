package io.ecrsecret.aws;

import java.time.Duration;

/**
 * How the AWS clients behave. Endpoints, regions and credentials come from the SDK's own settings
 * ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, ...), not from here.
 *
 * @param maxAttempts attempts per call, the first included; throttling and 5xx answers are retried
 *     with the SDK's exponential backoff and jitter (default 5)
 * @param attemptTimeout how long one attempt may take (default 10s)
 * @param callTimeout how long a call may take with all its retries (default 60s)
 * @param dualStack call the AWS APIs at their dual-stack (IPv4 and IPv6) endpoints, {@code
 *     ecr.REGION.api.aws} and {@code sts.REGION.api.aws}, as an IPv6-only cluster needs (default
 *     off; the SDK's own {@code AWS_USE_DUALSTACK_ENDPOINT} setting applies then)
 */
public record AwsClientSettings(
    int maxAttempts, Duration attemptTimeout, Duration callTimeout, boolean dualStack) {

  public static final AwsClientSettings DEFAULT =
      new AwsClientSettings(5, Duration.ofSeconds(10), Duration.ofSeconds(60));

  public AwsClientSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
  }

  public AwsClientSettings(int maxAttempts, Duration attemptTimeout, Duration callTimeout) {
    this(maxAttempts, attemptTimeout, callTimeout, false);
  }

  /** These settings, at the dual-stack endpoints where asked. */
  public AwsClientSettings withDualStack(boolean dualStack) {
    return new AwsClientSettings(maxAttempts, attemptTimeout, callTimeout, dualStack);
  }
}
