package io.ecrsecret.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon ECR registry: a private registry of an account in a region (standard, FIPS or China
 * partition host, or its dual-stack name under {@code on.aws}), or ECR Public ({@code
 * public.ecr.aws}).
 *
 * @param host the registry host as image references name it
 * @param account the 12-digit AWS account, empty for ECR Public
 * @param region the AWS region whose ECR hands out the token ({@code us-east-1} for ECR Public)
 * @param kind which endpoint family
 */
public record RegistryRef(String host, String region, Kind kind) {

  /** The endpoint families ECR serves registries from. */
  public enum Kind {
    /** a private registry (ecr or ecr-fips, in any partition) */
    PRIVATE,
    PUBLIC
  }

  public static final String PUBLIC_HOST = "public.ecr.aws";

  private static final Pattern ACCOUNT = Syntax.ACCOUNT_PATTERN;
  private static final Pattern REGION = Syntax.REGION_PATTERN;
  private static final Pattern PRIVATE_HOST =
      Pattern.compile(
          "[0-9]{12}\\.dkr\\.(ecr|ecr-fips)\\.(?<region>[a-z0-9-]+)"
              + "\\.(?<domain>amazonaws\\.com|amazonaws\\.com\\.cn)");

  /** The dual-stack (IPv4 and IPv6) names of a private registry: the same token serves both. */
  private static final Pattern DUAL_STACK_HOST =
      Pattern.compile("[0-9]{12}\\.(dkr-ecr|dkr-ecr-fips)\\.(?<region>[a-z0-9-]+)\\.on\\.aws");

  public RegistryRef {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kind, "kind");
  }

  /** The private registry of an account in a region, in the standard or China partition. */
  public static RegistryRef of(String account, String region) {
    if (account == null || !ACCOUNT.matcher(account).matches()) {
      throw new InvalidRegistryException(
          "AWS account '" + account + "' is not a 12-digit account ID (e.g. 123456789012)");
    }
    if (region == null || !REGION.matcher(region).matches()) {
      throw new InvalidRegistryException(
          "AWS region '" + region + "' is not a region name (e.g. us-east-1, eu-west-2)");
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return new RegistryRef(account + ".dkr.ecr." + region + "." + domain, region, Kind.PRIVATE);
  }

  /**
   * Parses what a person writes for a registry: a host ({@code
   * 123456789012.dkr.ecr.us-east-1.amazonaws.com}, {@code ...dkr.ecr-fips...}, {@code
   * ....amazonaws.com.cn}, the dual-stack {@code 123456789012.dkr-ecr.us-east-1.on.aws}, {@code
   * public.ecr.aws}), optionally as a URL or with a repository path after it, or the short form
   * {@code ACCOUNT:REGION}.
   */
  public static RegistryRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRegistryException("registry is empty; " + EXPECTED);
    }
    String value = text.trim().toLowerCase(Locale.ROOT);
    value = value.replaceFirst("^https?://", "");
    int slash = value.indexOf('/');
    if (slash >= 0) {
      value = value.substring(0, slash);
    }
    if (value.equals(PUBLIC_HOST)) {
      return new RegistryRef(PUBLIC_HOST, "us-east-1", Kind.PUBLIC);
    }
    if (value.matches("[0-9]+:[a-z0-9-]+")) {
      String[] parts = value.split(":");
      return of(parts[0], parts[1]);
    }
    Matcher dualStack = DUAL_STACK_HOST.matcher(value);
    if (dualStack.matches()) {
      String region = dualStack.group("region");
      if (!REGION.matcher(region).matches() || region.startsWith("cn-")) {
        throw new InvalidRegistryException(
            "'"
                + text.trim()
                + "' names region '"
                + region
                + "', which has no dual-stack registry name under on.aws");
      }
      return new RegistryRef(value, region, Kind.PRIVATE);
    }
    Matcher m = PRIVATE_HOST.matcher(value);
    if (!m.matches()) {
      throw new InvalidRegistryException(
          "'" + text.trim() + "' is not an ECR registry; " + EXPECTED);
    }
    String region = m.group("region");
    if (!REGION.matcher(region).matches()) {
      throw new InvalidRegistryException(
          "'" + text.trim() + "' names region '" + region + "', which is not a region name");
    }
    boolean china = m.group("domain").endsWith(".cn");
    if (china != region.startsWith("cn-")) {
      throw new InvalidRegistryException(
          "'"
              + text.trim()
              + "': region "
              + region
              + (china
                  ? " is not in the China partition (amazonaws.com.cn)"
                  : " belongs in amazonaws.com.cn"));
    }
    return new RegistryRef(value, region, Kind.PRIVATE);
  }

  private static final String EXPECTED =
      "expected ACCOUNT.dkr.ecr.REGION.amazonaws.com (also ecr-fips and amazonaws.com.cn), its"
          + " dual-stack name ACCOUNT.dkr-ecr.REGION.on.aws (also dkr-ecr-fips), ACCOUNT:REGION, or"
          + " public.ecr.aws";

  public boolean isPublic() {
    return kind == Kind.PUBLIC;
  }

  @Override
  public String toString() {
    return host;
  }
}
