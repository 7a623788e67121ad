package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A tenant's service account as its own IAM role ({@code aws.serviceAccount}), as IRSA gives one to
 * a pod: the role named, or the account's IRSA annotation, under the same allow-list as any role a
 * namespaced resource names; a short-lived token for STS from the TokenRequest API each time the
 * role's credentials are renewed. The account is read from the informer cache.
 */
final class ServiceAccountIdentity {

  /** The role an account's pods assume (IRSA); a resource naming the account may use it too. */
  public static final String ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

  /** The audience of the account's tokens for STS, where not {@value #STS_AUDIENCE}. */
  public static final String AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience";

  public static final String STS_AUDIENCE = "sts.amazonaws.com";

  /** How long a requested token lives: STS checks it once, at the exchange. */
  static final long TOKEN_SECONDS = 3600;

  private final KubernetesClient client;
  private final BiPredicate<String, String> roleAllowed;

  /**
   * @param roleAllowed whether a role ARN is allowed for a namespace
   */
  ServiceAccountIdentity(KubernetesClient client, BiPredicate<String, String> roleAllowed) {
    this.client = client;
    this.roleAllowed = roleAllowed;
  }

  /**
   * A tenant's own account as its role: the role named, or the account's IRSA annotation, under the
   * same allow-list as any role a namespaced resource names.
   */
  AwsIdentity resolve(
      AwsIdentitySpec spec, String namespace, IdentityResolver.ServiceAccounts accounts) {
    if (spec.getCredentialsSecret() != null) {
      throw new IllegalArgumentException(
          "aws.serviceAccount and aws.credentialsSecret are two identities: name one");
    }
    if (spec.getExternalId() != null) {
      throw new IllegalArgumentException(
          "aws.externalId is not sent with a service account's token (AssumeRoleWithWebIdentity"
              + " takes none): the role's trust policy names the account instead");
    }
    String name = spec.getServiceAccount();
    ServiceAccount account =
        accounts
            .find(namespace, name)
            .orElseThrow(
                () ->
                    new IdentityResolver.IdentityNotAllowedException(
                        "service account "
                            + namespace
                            + "/"
                            + DisplayText.clean(name, DisplayText.VALUE)
                            + " (aws.serviceAccount) does not exist: create it, or name another"));
    Map<String, String> annotations =
        account.getMetadata().getAnnotations() == null
            ? Map.of()
            : account.getMetadata().getAnnotations();
    String role = spec.getRoleArn() != null ? spec.getRoleArn() : annotations.get(ROLE_ANNOTATION);
    if (role == null) {
      throw new IdentityResolver.IdentityNotAllowedException(
          "service account "
              + namespace
              + "/"
              + name
              + " names no role: set aws.roleArn, or annotate the account "
              + ROLE_ANNOTATION);
    }
    if (!io.ecrsecret.core.Syntax.ROLE_ARN_PATTERN.matcher(role).matches()) {
      throw new IllegalArgumentException(
          "the role of service account "
              + namespace
              + "/"
              + name
              + " ("
              + DisplayText.clean(role, DisplayText.VALUE * 2)
              + ") is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    }
    if (!roleAllowed.test(role, namespace)) {
      throw new IdentityResolver.IdentityNotAllowedException(
          "role "
              + DisplayText.clean(role, DisplayText.VALUE * 2)
              + " (of service account "
              + namespace
              + "/"
              + name
              + ") is not allowed for namespace "
              + namespace
              + ": a cluster administrator must list it in the operator's --allowed-role-arns or"
              + " in the namespace annotation "
              + IdentityResolver.ALLOWED_ROLES_ANNOTATION);
    }
    String audience = annotations.getOrDefault(AUDIENCE_ANNOTATION, STS_AUDIENCE);
    return new AwsIdentity(
        new AwsIdentity.ServiceAccountToken(
            namespace,
            name,
            account.getMetadata().getUid() == null ? "" : account.getMetadata().getUid(),
            role,
            audience,
            spec.getSessionName() == null
                ? AwsIdentity.RoleHop.DEFAULT_SESSION_NAME
                : spec.getSessionName(),
            () -> token(namespace, name, audience)),
        List.of());
  }

  /** A short-lived token of the account for the audience, from the TokenRequest API. */
  private String token(String namespace, String name, String audience) {
    return client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(audience)
                .withExpirationSeconds(TOKEN_SECONDS)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }
}
