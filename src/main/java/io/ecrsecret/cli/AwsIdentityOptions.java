package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options that say whom to be in AWS. */
final class AwsIdentityOptions {

  @Option(
      names = "--aws-credentials-secret",
      paramLabel = "NAMESPACE/NAME",
      description =
          "Use static keys from this Kubernetes Secret (keys AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, optionally AWS_SESSION_TOKEN) instead of the AWS SDK's"
              + " default chain (environment, IRSA/ROSA web identity, EKS Pod Identity, profile,"
              + " instance role).")
  String credentialsSecret;

  @Option(
      names = "--role-arn",
      paramLabel = "ARN",
      split = ",",
      description =
          "Assume this IAM role (e.g. a cross-account role). Repeat to chain roles, in order.")
  List<String> roleArns = new ArrayList<>();

  @Option(
      names = "--external-id",
      paramLabel = "ID",
      description = "External ID for the last role assumed, if its trust policy demands one.")
  String externalId;

  @Option(
      names = "--role-session-name",
      paramLabel = "NAME",
      defaultValue = AwsIdentity.RoleHop.DEFAULT_SESSION_NAME,
      description = "Role session name, as CloudTrail shows it (default: ${DEFAULT-VALUE}).")
  String sessionName;

  @Option(
      names = "--role-duration",
      paramLabel = "DURATION",
      defaultValue = AwsIdentity.RoleHop.DEFAULT_DURATION_TEXT,
      converter = DurationConverter.class,
      description = "Role session duration, 15m to 12h (default: ${DEFAULT-VALUE}).")
  Duration roleDuration;

  /** The identity; reads the credentials secret if one is named. */
  AwsIdentity resolve(KubernetesClient client) {
    AwsIdentity identity = AwsIdentity.defaultChain();
    if (credentialsSecret != null) {
      String[] parts = credentialsSecret.split("/", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException(
            "--aws-credentials-secret takes NAMESPACE/NAME, got '" + credentialsSecret + "'");
      }
      identity =
          new AwsIdentity(new AwsKeysSecretReader(client).read(parts[0], parts[1]), List.of());
    }
    for (int i = 0; i < roleArns.size(); i++) {
      boolean last = i == roleArns.size() - 1;
      identity =
          identity.thenAssume(
              new AwsIdentity.RoleHop(
                  roleArns.get(i),
                  last ? Optional.ofNullable(externalId) : Optional.empty(),
                  sessionName,
                  roleDuration));
    }
    AwsIdentity.RoleHop.requireRoleForExternalId(
        externalId != null, !roleArns.isEmpty(), "--external-id", "--role-arn");
    return identity;
  }
}
