package io.ecrsecret.operator.api;

/** Patterns the CRD schemas check at admission (RE2 syntax, as the API server runs them). */
final class Validation {

  private Validation() {}

  static final String REGION = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]";
  static final String REGISTRY =
      "^([0-9]{12}\\.dkr\\.ecr(-fips)?\\."
          + REGION
          + "\\.amazonaws\\.com(\\.cn)?|[0-9]{12}:"
          + REGION
          + ")$";
  static final String DURATION = "^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";
  static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A service account's name, or {@code *} for every one of the namespace. */
  static final String SERVICE_ACCOUNT =
      "^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$";

  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final String NAMESPACE_PATTERN = "^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$";
  static final String ROLE_ARN = "^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::[0-9]{12}:role/.+$";
  static final String SESSION_NAME = "^[\\w+=,.@-]{2,64}$";
}
