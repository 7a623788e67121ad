package io.ecrsecret.aws;

import io.ecrsecret.aws.AwsAccessException.Kind;
import io.ecrsecret.core.DisplayText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.model.StsException;

/** Turns what the AWS SDK throws into an {@link AwsAccessException} a person can act on. */
final class AwsFailures {

  private static final Set<String> INVALID_CREDENTIALS =
      Set.of(
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "InvalidSignatureException",
          "ExpiredToken",
          "ExpiredTokenException",
          "IncompleteSignature",
          "MissingAuthenticationToken");

  private AwsFailures() {}

  static AwsAccessException explain(
      RuntimeException e, AwsIdentity identity, String region, String action) {
    if (e instanceof AwsAccessException known) {
      return known;
    }
    // a role hop fails inside the credentials provider, before the ECR call is sent: name that call
    StsException sts = stsFailure(e);
    boolean serviceAccount =
        identity.base() instanceof AwsIdentity.ServiceAccountToken && identity.roles().isEmpty();
    if (sts != null) {
      e = sts;
      action = serviceAccount ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole";
    }
    String who = " (identity: " + identity.describe() + ")";
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String awsMessage =
          service.awsErrorDetails() == null
              ? ""
              : DisplayText.awsMessage(service.awsErrorDetails().errorMessage());
      if (service.isThrottlingException()) {
        return new AwsAccessException(
            Kind.THROTTLED,
            "AWS throttled "
                + action
                + " in "
                + region
                + " and kept doing so through every retry; it will be tried again later");
      }
      if (code != null
          && (code.startsWith("AccessDenied")
              || service.statusCode() == 403 && !INVALID_CREDENTIALS.contains(code))) {
        return new AwsAccessException(
            Kind.ACCESS_DENIED,
            "AWS denied "
                + action
                + " in "
                + region
                + who
                + ": "
                + awsMessage
                + (sts != null && serviceAccount
                    ? ". The role's trust policy must admit that service account and audience"
                        + " (see 'ecr-secret-operator iam-policy --oidc-provider')."
                    : sts != null
                        ? ". The role's trust policy must let that principal assume it, with the same"
                            + " external ID if one is set (see 'ecr-secret-operator iam-policy"
                            + " --assume-role')."
                        : ". Grant the permission to that principal (see 'ecr-secret-operator"
                            + " iam-policy')."));
      }
      if (code != null && INVALID_CREDENTIALS.contains(code)) {
        return new AwsAccessException(
            Kind.INVALID_CREDENTIALS,
            "AWS rejected the credentials for "
                + action
                + " in "
                + region
                + who
                + ": "
                + code
                + " (the access key is unknown, the secret key is wrong, or the session expired)."
                + " Check the keys or the role setup.");
      }
      return failed(
          action,
          region,
          who,
          DisplayText.clean(code, DisplayText.VALUE)
              + " (HTTP "
              + service.statusCode()
              + "): "
              + awsMessage);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new AwsAccessException(
          Kind.UNREACHABLE,
          action
              + " in "
              + region
              + " timed out; the AWS endpoint answers too slowly or not at all");
    }
    if (e instanceof SdkClientException client) {
      String message = String.valueOf(client.getMessage());
      String webIdentity = webIdentityRefusal(message);
      if (webIdentity != null) {
        // the SDK's chain reports STS refusing the service account's token as "no credentials"
        return new AwsAccessException(
            Kind.ACCESS_DENIED,
            "AWS denied sts:AssumeRoleWithWebIdentity for the role in AWS_ROLE_ARN with the token"
                + " in AWS_WEB_IDENTITY_TOKEN_FILE (IRSA, ROSA STS): "
                + webIdentity
                + ". The role's trust policy must admit this service account and audience (see"
                + " 'ecr-secret-operator iam-policy --oidc-provider').");
      }
      if (message.contains("Unable to load credentials")
          || message.contains("Unable to load region")) {
        return new AwsAccessException(
            Kind.NO_CREDENTIALS,
            "No AWS credentials found for "
                + action
                + ". Provide them the AWS SDK's usual way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                + " AWS_PROFILE, a web identity token for IRSA or ROSA STS, EKS Pod Identity, or an"
                + " instance profile), or name a Kubernetes Secret holding keys.");
      }
      Throwable cause = rootCause(client);
      if (cause instanceof UnknownHostException && !Region.regions().contains(Region.of(region))) {
        return new AwsAccessException(
            Kind.UNKNOWN_REGION,
            "AWS region '"
                + region
                + "' is unknown: no ECR endpoint answers for it. Check the region name.");
      }
      if (cause instanceof IOException) {
        return new AwsAccessException(
            Kind.UNREACHABLE,
            "Cannot reach the AWS endpoint for "
                + action
                + " in "
                + region
                + ": "
                + cause.getClass().getSimpleName()
                + (cause instanceof ConnectException
                        || cause instanceof SocketTimeoutException
                        || cause instanceof UnknownHostException
                    ? " (" + cause.getMessage() + ")"
                    : "")
                + ". Check the network, proxy and AWS_ENDPOINT_URL settings.");
      }
      return failed(action, region, who, DisplayText.awsMessage(message));
    }
    // anything else the SDK or its HTTP client threw (a header it refused, say): its message may
    // quote the signed request, so it is cut before any of that
    return failed(
        action,
        region,
        who,
        DisplayText.awsMessage(e.getClass().getSimpleName() + ": " + e.getMessage()));
  }

  private static AwsAccessException failed(
      String action, String region, String who, String detail) {
    return new AwsAccessException(
        Kind.AWS_ERROR, action + " in " + region + " failed" + who + ": " + detail);
  }

  /** What STS said to the web identity provider in the SDK's chain, if it refused the token. */
  static String webIdentityRefusal(String chainMessage) {
    String marker = "WebIdentityTokenFileCredentialsProvider(): ";
    int start = chainMessage.indexOf(marker);
    if (start < 0) {
      return null;
    }
    String rest = chainMessage.substring(start + marker.length());
    if (!rest.contains("AssumeRoleWithWebIdentity") && !rest.contains("Status Code: 4")) {
      return null; // not configured, or not refused: the usual "no credentials" message applies
    }
    int end = rest.length();
    for (String next :
        List.of(" (Service:", ", ProfileCredentialsProvider", ", ContainerCredentials")) {
      int i = rest.indexOf(next);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return DisplayText.awsMessage(rest.substring(0, end));
  }

  private static StsException stsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StsException sts) {
        return sts;
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
