package io.ecrsecret.core;

import java.util.Objects;

/**
 * What one ECR token serves: every private registry of one region (any account the identity may
 * read), or ECR Public, whose token is partition-global and handed out in {@code us-east-1} only.
 * Tokens are cached and shared per (identity, scope).
 *
 * @param region the region AWS is asked in
 * @param ecrPublic ECR Public ({@code ecr-public:GetAuthorizationToken}) rather than ECR
 */
public record TokenScope(String region, boolean ecrPublic) {

  /** The one region ECR Public hands out tokens in. */
  public static final String ECR_PUBLIC_REGION = "us-east-1";

  public TokenScope {
    Objects.requireNonNull(region, "region");
  }

  /** The private registries of a region. */
  public static TokenScope privateIn(String region) {
    return new TokenScope(region, false);
  }

  /** ECR Public ({@code public.ecr.aws}). */
  public static TokenScope ecrPublicScope() {
    return new TokenScope(ECR_PUBLIC_REGION, true);
  }

  /** The token a registry needs. */
  public static TokenScope of(RegistryRef registry) {
    return registry.isPublic() ? ecrPublicScope() : privateIn(registry.region());
  }

  /** The IAM action that hands out this token. */
  public String action() {
    return ecrPublic ? "ecr-public:GetAuthorizationToken" : "ecr:GetAuthorizationToken";
  }

  /** A key for caches: the region, or {@code ecr-public} for the partition-global public token. */
  public String key() {
    return ecrPublic ? "ecr-public" : region;
  }

  @Override
  public String toString() {
    return ecrPublic ? "ECR Public (" + region + ")" : region;
  }
}
