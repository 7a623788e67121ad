package io.ecrsecret.core;

/**
 * Every reason users see: in a resource's conditions, its failed namespaces, its Events, and the
 * CLI's report. docs/operations.md says what each means and what fixes it (ReasonsDocumentedTest
 * keeps it so); the code names reasons only through this enum.
 */
public enum StatusReason {
  // the secret is served
  SECRET_READY("SecretReady"),
  LINKED("Linked"),
  SECRET_ADOPTED("SecretAdopted"),
  PODS_HEALED("PodsHealed"),
  // AWS would not give a token
  NO_CREDENTIALS("NoCredentials"),
  INVALID_CREDENTIALS("InvalidCredentials"),
  ACCESS_DENIED("AccessDenied"),
  UNKNOWN_REGION("UnknownRegion"),
  THROTTLED("Throttled"),
  ENDPOINT_UNREACHABLE("EndpointUnreachable"),
  AWS_ERROR("AwsError"),
  TOKEN_EXPIRED("TokenExpired"),
  TOKEN_EXPIRES_TOO_SOON("TokenExpiresTooSoon"),
  // the resource itself
  INVALID_SPEC("InvalidSpec"),
  IDENTITY_NOT_ALLOWED("IdentityNotAllowed"),
  CREDENTIALS_SECRET_UNUSABLE("CredentialsSecretUnusable"),
  // where the secret goes
  NO_NAMESPACE_MATCHED("NoNamespaceMatched"),
  NAMESPACE_NOT_FOUND("NamespaceNotFound"),
  NAMESPACE_TERMINATING("NamespaceTerminating"),
  NAMESPACES_FAILED("NamespacesFailed"),
  KUBERNETES_ERROR("KubernetesError"),
  // a secret of that name that is not ours to write as it is
  SECRET_NOT_MANAGED("SecretNotManaged"),
  SECRET_OWNED_ELSEWHERE("SecretOwnedElsewhere"),
  SECRET_CONTROLLED_ELSEWHERE("SecretControlledElsewhere"),
  SECRET_TYPE_MISMATCH("SecretTypeMismatch"),
  SECRET_HOLDS_OTHER_DATA("SecretHoldsOtherData"),
  SECRET_CONTENT_UNREADABLE("SecretContentUnreadable"),
  // service accounts
  LINK_FAILED("LinkFailed"),
  SERVICE_ACCOUNT_MISSING("ServiceAccountMissing"),

  // the PullVerified condition (spec.verify)
  IMAGE_PULLABLE("ImagePullable"),
  PULL_REFUSED("PullRefused"),
  IMAGE_NOT_FOUND("ImageNotFound"),
  REGISTRY_UNREACHABLE("RegistryUnreachable");

  private final String text;

  StatusReason(String text) {
    this.text = text;
  }

  /** As Kubernetes conditions write reasons: CamelCase. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
