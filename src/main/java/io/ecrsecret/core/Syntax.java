package io.ecrsecret.core;

import java.util.regex.Pattern;

/**
 * The syntax of the names users write, declared once: as strings in the subset of regular
 * expressions both Java and the API server's RE2 read the same (the CRD schemas take them,
 * anchored, as compile-time constants), and compiled for the code that checks the same values
 * outside a schema (the CLI, the CRD kinds' deeper checks).
 */
public final class Syntax {

  private Syntax() {}

  /** An AWS region name: us-east-1, cn-north-1, us-gov-west-1, us-isob-east-1. */
  public static final String REGION = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]";

  /** A 12-digit AWS account ID. */
  public static final String ACCOUNT = "[0-9]{12}";

  /** A Kubernetes object name (DNS subdomain): secret and service account names. */
  public static final String DNS_SUBDOMAIN =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

  /** An IAM role ARN, in any partition. */
  public static final String ROLE_ARN =
      "arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::" + ACCOUNT + ":role/.+";

  /** A role session name, as STS takes it. */
  public static final String SESSION_NAME = "[\\w+=,.@-]{2,64}";

  public static final Pattern REGION_PATTERN = Pattern.compile(REGION);
  public static final Pattern ACCOUNT_PATTERN = Pattern.compile(ACCOUNT);
  public static final Pattern DNS_SUBDOMAIN_PATTERN = Pattern.compile(DNS_SUBDOMAIN);
  public static final Pattern ROLE_ARN_PATTERN = Pattern.compile(ROLE_ARN);
  public static final Pattern SESSION_NAME_PATTERN = Pattern.compile(SESSION_NAME);
}
