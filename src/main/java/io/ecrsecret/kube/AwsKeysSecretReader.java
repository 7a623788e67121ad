package io.ecrsecret.kube;

import io.ecrsecret.aws.AwsIdentity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * Reads AWS credentials from a Kubernetes Secret: static keys (as a CronJob with static keys keeps
 * them, or rh-mobb's IAM-user mode), or an AWS shared credentials file (rh-mobb's {@code
 * aws-ecr-cloud-credentials}). Accepted keys: {@code AWS_ACCESS_KEY_ID} / {@code
 * aws_access_key_id}, {@code AWS_SECRET_ACCESS_KEY} / {@code aws_secret_access_key}, and optionally
 * {@code AWS_SESSION_TOKEN} / {@code aws_session_token}. Messages never hold a value.
 */
public final class AwsKeysSecretReader {

  private final KubernetesClient client;

  public AwsKeysSecretReader(KubernetesClient client) {
    this.client = client;
  }

  /** An exception whose message says which secret and which key; never a value. */
  public static final class UnusableKeysException extends RuntimeException {
    public UnusableKeysException(String message) {
      super(message, null, false, false);
    }
  }

  public AwsIdentity.StaticKeys read(String namespace, String name) {
    String where = "secret " + namespace + "/" + name;
    Secret secret =
        existing(namespace, name, "the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    String id = first(secret, "AWS_ACCESS_KEY_ID", "aws_access_key_id").orElse(null);
    String key = first(secret, "AWS_SECRET_ACCESS_KEY", "aws_secret_access_key").orElse(null);
    if (id == null || key == null) {
      throw new UnusableKeysException(
          "AWS credentials "
              + where
              + " lacks "
              + (id == null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")
              + " (it has: "
              + keyNames(secret)
              + ")");
    }
    if (!ACCESS_KEY_ID.matcher(id).matches()) {
      throw new UnusableKeysException(
          "AWS credentials "
              + where
              + ": AWS_ACCESS_KEY_ID is not an access key id (16 to 128 letters and digits, like"
              + " AKIA...); it was not sent to AWS");
    }
    if (key.length() > 1024 || key.chars().anyMatch(Character::isISOControl)) {
      throw new UnusableKeysException(
          "AWS credentials "
              + where
              + ": AWS_SECRET_ACCESS_KEY is not a secret access key (control characters, or over"
              + " 1024 characters); it was not sent to AWS");
    }
    return new AwsIdentity.StaticKeys(
        id, key, first(secret, "AWS_SESSION_TOKEN", "aws_session_token"), where);
  }

  /**
   * An AWS shared credentials file from a Secret's {@code credentials} key (rh-mobb's {@code
   * aws-ecr-cloud-credentials}), with a {@code [default]} profile.
   */
  public AwsIdentity.ProfileFile readCredentialsFile(String namespace, String name) {
    String where = "secret " + namespace + "/" + name;
    Secret secret =
        existing(
            namespace,
            name,
            "the key 'credentials' holding an AWS shared credentials file (a [default] profile),"
                + " as rh-mobb's operator documents");
    String file = SecretData.decoded(secret, "credentials").orElse(null);
    if (file == null || file.isBlank()) {
      throw new UnusableKeysException(
          "AWS credentials "
              + where
              + " lacks the key 'credentials' (it has: "
              + keyNames(secret)
              + ")");
    }
    if (file.lines().map(String::trim).noneMatch(l -> l.matches("\\[\\s*default\\s*]"))) {
      throw new UnusableKeysException(
          "AWS credentials "
              + where
              + ": the file in key 'credentials' has no [default] profile, the one that is used");
    }
    return new AwsIdentity.ProfileFile(file, where);
  }

  private Secret existing(String namespace, String name, String whatItNeeds) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new UnusableKeysException(
          "AWS credentials secret "
              + namespace
              + "/"
              + name
              + " does not exist; create it with "
              + whatItNeeds);
    }
    return secret;
  }

  private static List<String> keyNames(Secret secret) {
    return secret.getData() == null
        ? List.of()
        : secret.getData().keySet().stream().sorted().toList();
  }

  /** What AWS documents for an access key id: 16 to 128 word characters. */
  private static final java.util.regex.Pattern ACCESS_KEY_ID =
      java.util.regex.Pattern.compile("[A-Z0-9]{16,128}");

  private static Optional<String> first(Secret secret, String... keys) {
    for (String key : keys) {
      Optional<String> value =
          SecretData.decoded(secret, key).map(String::trim).filter(v -> !v.isEmpty());
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }
}
