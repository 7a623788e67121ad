package io.ecrsecret.operator.api;

import io.ecrsecret.core.Syntax;

/** Patterns the CRD schemas check at admission (RE2 syntax, as the API server runs them). */
final class Validation {

  private Validation() {}

  static final String REGION = Syntax.REGION;
  static final String REGISTRY =
      "^("
          + Syntax.ACCOUNT
          + "\\.dkr\\.ecr(-fips)?\\."
          + REGION
          + "\\.amazonaws\\.com(\\.cn)?|"
          + Syntax.ACCOUNT
          + "\\.dkr-ecr(-fips)?\\."
          + REGION
          + "\\.on\\.aws|"
          + Syntax.ACCOUNT
          + ":"
          + REGION
          + "|public\\.ecr\\.aws)$";
  static final String DURATION = "^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";
  static final String DNS_SUBDOMAIN = "^" + Syntax.DNS_SUBDOMAIN + "$";

  /** A service account's name, or {@code *} for every one of the namespace. */
  static final String SERVICE_ACCOUNT = "^(\\*|" + Syntax.DNS_SUBDOMAIN + ")$";

  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final String NAMESPACE_PATTERN = "^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$";
  static final String ROLE_ARN = "^" + Syntax.ROLE_ARN + "$";
  static final String SESSION_NAME = "^" + Syntax.SESSION_NAME + "$";
}
