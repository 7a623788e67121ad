package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsClientSettings;
import picocli.CommandLine.Option;

/** How the commands that call AWS reach it. */
final class AwsEndpointOptions {

  @Option(
      names = "--aws-dual-stack",
      description =
          "Call ECR and STS at their dual-stack (IPv4 and IPv6) endpoints (ecr.REGION.api.aws), as"
              + " an IPv6-only cluster needs. Default: off (the AWS SDK's own"
              + " AWS_USE_DUALSTACK_ENDPOINT applies).")
  boolean dualStack;

  /** The settings, with these options applied. */
  AwsClientSettings applyTo(AwsClientSettings settings) {
    return settings.withDualStack(dualStack);
  }
}
