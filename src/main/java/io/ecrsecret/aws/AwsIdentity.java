package io.ecrsecret.aws;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who to be in AWS: a base identity (the SDK's default credential chain, or static keys), then zero
 * or more roles assumed in turn (role chaining, e.g. a cross-account role).
 */
public record AwsIdentity(Base base, List<RoleHop> roles) {

  public AwsIdentity {
    Objects.requireNonNull(base, "base");
    roles = List.copyOf(roles);
  }

  /**
   * The SDK's default chain: environment, system properties, web identity (IRSA, ROSA STS), EKS Pod
   * Identity, profiles, container and instance metadata.
   */
  public static AwsIdentity defaultChain() {
    return new AwsIdentity(new DefaultChain(), List.of());
  }

  public AwsIdentity thenAssume(RoleHop role) {
    var chained = new java.util.ArrayList<>(roles);
    chained.add(role);
    return new AwsIdentity(base, chained);
  }

  /** Where the first credentials come from. */
  public sealed interface Base permits DefaultChain, StaticKeys, ProfileFile, ServiceAccountToken {}

  /** The AWS SDK's default credential provider chain. */
  public record DefaultChain() implements Base {}

  /**
   * Keys held somewhere, e.g. a Kubernetes Secret ({@code source} says where, for messages). {@link
   * #toString()} shows only the access key id.
   */
  public record StaticKeys(
      String accessKeyId, String secretAccessKey, Optional<String> sessionToken, String source)
      implements Base {
    public StaticKeys {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      Objects.requireNonNull(sessionToken, "sessionToken");
      Objects.requireNonNull(source, "source");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StaticKeys other
          && accessKeyId.equals(other.accessKeyId)
          && secretAccessKey.equals(other.secretAccessKey)
          && sessionToken.equals(other.sessionToken);
    }

    @Override
    public int hashCode() {
      return Objects.hash(accessKeyId, secretAccessKey, sessionToken);
    }

    @Override
    public String toString() {
      return "static keys "
          + io.ecrsecret.core.DisplayText.clean(accessKeyId, io.ecrsecret.core.DisplayText.VALUE)
          + " from "
          + source;
    }
  }

  /**
   * An AWS shared credentials file, as rh-mobb's operator read it from its {@code
   * aws-ecr-cloud-credentials} Secret: profile {@code default}, read by the AWS SDK's own profile
   * support (static keys; {@code role_arn} with {@code source_profile} or {@code
   * web_identity_token_file}). {@link #toString()} names only where it came from.
   */
  public record ProfileFile(String content, String source) implements Base {
    public ProfileFile {
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(source, "source");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ProfileFile other && content.equals(other.content);
    }

    @Override
    public int hashCode() {
      return content.hashCode();
    }

    @Override
    public String toString() {
      return "the AWS credentials file in " + source;
    }
  }

  /**
   * A Kubernetes service account of a tenant, as IRSA gives one to a pod: a token for it (the
   * TokenRequest API, for {@code audience}) exchanged for the role's credentials with {@code
   * sts:AssumeRoleWithWebIdentity}, so that the role's trust policy names the tenant's account, not
   * the operator's. A new token is requested each time credentials are needed ({@code token}).
   * Equal, and cached, per account (its UID) and role.
   */
  public record ServiceAccountToken(
      String namespace,
      String name,
      String uid,
      String roleArn,
      String audience,
      String sessionName,
      java.util.function.Supplier<String> token)
      implements Base {
    public ServiceAccountToken {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uid, "uid");
      Objects.requireNonNull(roleArn, "roleArn");
      Objects.requireNonNull(audience, "audience");
      Objects.requireNonNull(sessionName, "sessionName");
      Objects.requireNonNull(token, "token");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ServiceAccountToken other
          && namespace.equals(other.namespace)
          && name.equals(other.name)
          && uid.equals(other.uid)
          && roleArn.equals(other.roleArn)
          && audience.equals(other.audience)
          && sessionName.equals(other.sessionName);
    }

    @Override
    public int hashCode() {
      return Objects.hash(namespace, name, uid, roleArn, audience, sessionName);
    }

    @Override
    public String toString() {
      return "service account "
          + namespace
          + "/"
          + name
          + " as role "
          + io.ecrsecret.core.DisplayText.clean(roleArn, io.ecrsecret.core.DisplayText.VALUE * 2);
    }
  }

  /**
   * One {@code sts:AssumeRole}.
   *
   * @param externalId the external ID the role's trust policy demands, if any
   * @param sessionName the role session name (shows in CloudTrail)
   * @param duration the session duration (AWS allows 15 minutes up to the role's maximum)
   */
  public record RoleHop(
      String roleArn, Optional<String> externalId, String sessionName, Duration duration) {

    /** The session name CloudTrail shows unless one is given. */
    public static final String DEFAULT_SESSION_NAME = "ecr-secret-operator";

    /** The session duration unless one is given, as users write it. */
    public static final String DEFAULT_DURATION_TEXT = "1h";

    public static final Duration DEFAULT_DURATION = Duration.ofHours(1);

    /**
     * An external ID is sent when a role is assumed: one without a role is a mistake, said in the
     * caller's terms.
     *
     * @throws IllegalArgumentException if there is an external ID and no role
     */
    public static void requireRoleForExternalId(
        boolean externalId, boolean role, String externalIdName, String roleName) {
      if (externalId && !role) {
        throw new IllegalArgumentException(
            externalIdName + " needs " + roleName + ": it is sent when assuming a role");
      }
    }

    private static final java.util.regex.Pattern ARN = io.ecrsecret.core.Syntax.ROLE_ARN_PATTERN;
    private static final java.util.regex.Pattern SESSION =
        io.ecrsecret.core.Syntax.SESSION_NAME_PATTERN;

    public RoleHop {
      Objects.requireNonNull(externalId, "externalId");
      if (roleArn == null || !ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException(
            "'" + roleArn + "' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
      }
      if (sessionName == null || !SESSION.matcher(sessionName).matches()) {
        throw new IllegalArgumentException(
            "role session name '"
                + sessionName
                + "' must be 2 to 64 letters, digits or the characters +=,.@_-");
      }
      if (duration.compareTo(Duration.ofMinutes(15)) < 0
          || duration.compareTo(Duration.ofHours(12)) > 0) {
        throw new IllegalArgumentException(
            "role session duration must be between 15m and 12h, got " + duration);
      }
    }

    @Override
    public String toString() {
      return roleArn + externalId.map(x -> " (with external ID)").orElse("");
    }
  }

  /**
   * A key that tells identities apart (for sharing tokens and clients): the access key id, then a
   * SHA-256 digest of everything that makes the identity (keys, session token, each role with its
   * external ID, session name and duration). Two identities share a key only if they are the same;
   * the digest cannot be turned back into a secret.
   */
  public String cacheKey() {
    try {
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      var parts = new java.util.ArrayList<String>();
      if (base instanceof StaticKeys k) {
        parts.add("static");
        parts.add(k.accessKeyId());
        parts.add(k.secretAccessKey());
        parts.add(k.sessionToken().orElse(""));
      } else if (base instanceof ProfileFile f) {
        parts.add("profile-file");
        parts.add(f.content());
      } else if (base instanceof ServiceAccountToken t) {
        parts.add("service-account");
        parts.add(t.namespace());
        parts.add(t.name());
        parts.add(t.uid());
        parts.add(t.roleArn());
        parts.add(t.audience());
        parts.add(t.sessionName());
      } else {
        parts.add("default");
      }
      for (RoleHop r : roles) {
        parts.add(r.roleArn());
        parts.add(r.externalId().orElse(""));
        parts.add(r.sessionName());
        parts.add(r.duration().toString());
      }
      for (String part : parts) {
        byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
      }
      String who =
          base instanceof StaticKeys k
              ? "static:" + k.accessKeyId()
              : base instanceof ServiceAccountToken t
                  ? "service-account:" + t.namespace() + "/" + t.name()
                  : base instanceof ProfileFile ? "profile-file" : "default";
      return who + ":" + java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** For messages: "the default AWS credential chain, then role arn:...". Never holds a secret. */
  public String describe() {
    String first =
        base instanceof DefaultChain ? "the default AWS credential chain" : base.toString();
    return roles.isEmpty()
        ? first
        : first
            + ", then role "
            + roles.stream().map(RoleHop::toString).collect(Collectors.joining(", then role "));
  }

  @Override
  public String toString() {
    return describe();
  }
}
