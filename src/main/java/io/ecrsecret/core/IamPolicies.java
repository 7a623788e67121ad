package io.ecrsecret.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The IAM documents a cluster needs: the permission policy for the identity that gets ECR tokens
 * (the token carries that identity's pull rights), and the OIDC trust policy that lets a Kubernetes
 * service account assume the role (IRSA on EKS, STS mode on ROSA/OpenShift).
 */
public final class IamPolicies {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern REPOSITORY_ARN =
      Pattern.compile("arn:aws(-cn|-us-gov)?:ecr:[a-z0-9-]+:[0-9]{12}:repository/[^\\s]+");
  private static final Pattern ACCOUNT = Syntax.ACCOUNT_PATTERN;
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[\\w+=,.@/-]+");
  private static final Pattern ASSUMED_ROLE =
      Pattern.compile("arn:(aws(?:-cn|-us-gov)?):sts::([0-9]{12}):assumed-role/([\\w+=,.@-]+)/.+");

  private IamPolicies() {}

  /**
   * The permission policy: {@code ecr:GetAuthorizationToken} (which has no resource scope), and
   * pulling from the given repositories (all, if none given); with {@code ecrPublic}, ECR Public's
   * token too ({@code ecr-public:GetAuthorizationToken} and the {@code sts:GetServiceBearerToken}
   * it needs, neither with a resource scope).
   */
  public static String permissionPolicy(List<String> repositoryArns, boolean ecrPublic) {
    for (String arn : repositoryArns) {
      if (!REPOSITORY_ARN.matcher(arn).matches()) {
        throw new IllegalArgumentException(
            "'"
                + arn
                + "' is not an ECR repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME;"
                + " NAME may end in *)");
      }
    }
    var statements = new java.util.ArrayList<Map<String, Object>>();
    statements.add(
        statement("GetEcrAuthorizationToken", List.of("ecr:GetAuthorizationToken"), "*"));
    statements.add(
        statement(
            "PullImages",
            List.of(
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage"),
            repositoryArns.isEmpty() ? "*" : repositoryArns));
    if (ecrPublic) {
      statements.add(
          statement(
              "GetEcrPublicAuthorizationToken",
              List.of("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"),
              "*"));
    }
    return write(document(statements));
  }

  /**
   * The trust policy letting one service account assume the role through the cluster's OIDC
   * provider.
   *
   * @param oidcProviderUrl the issuer URL, e.g. {@code
   *     https://oidc.eks.us-east-1.amazonaws.com/id/ABC}
   * @param account the AWS account that registered the OIDC provider
   * @param audience {@code sts.amazonaws.com} on EKS, {@code openshift} on ROSA
   */
  /** The service account rh-mobb's operator ran as (its Operator SDK default). */
  public static final String RH_MOBB_SERVICE_ACCOUNT = "ecr-secret-operator-controller-manager";

  public static String trustPolicy(
      String oidcProviderUrl,
      String account,
      String partition,
      String namespace,
      String serviceAccount,
      String audience) {
    return trustPolicy(
        oidcProviderUrl, account, partition, namespace, List.of(serviceAccount), audience);
  }

  /**
   * As {@link #trustPolicy(String, String, String, String, String, String)}, for any of several
   * service accounts of the namespace (for example the name rh-mobb's operator used, {@value
   * #RH_MOBB_SERVICE_ACCOUNT}, beside ours, during a switch).
   */
  public static String trustPolicy(
      String oidcProviderUrl,
      String account,
      String partition,
      String namespace,
      List<String> serviceAccounts,
      String audience) {
    if (serviceAccounts.isEmpty()) {
      throw new IllegalArgumentException("name at least one service account");
    }
    String issuer = oidcProviderUrl.trim().replaceFirst("^https://", "").replaceAll("/+$", "");
    if (issuer.isEmpty() || issuer.contains("://") || issuer.contains(" ")) {
      throw new IllegalArgumentException(
          "'" + oidcProviderUrl + "' is not an OIDC issuer URL (https://HOST/PATH)");
    }
    if (account == null || !ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException("'" + account + "' is not a 12-digit AWS account ID");
    }
    var condition = new LinkedHashMap<String, Object>();
    var subjects =
        serviceAccounts.stream()
            .map(sa -> "system:serviceaccount:" + namespace + ":" + sa)
            .distinct()
            .toList();
    condition.put(issuer + ":sub", subjects.size() == 1 ? subjects.get(0) : subjects);
    condition.put(issuer + ":aud", audience);
    var statement = new LinkedHashMap<String, Object>();
    statement.put("Effect", "Allow");
    statement.put(
        "Principal",
        Map.of("Federated", "arn:" + partition + ":iam::" + account + ":oidc-provider/" + issuer));
    statement.put("Action", "sts:AssumeRoleWithWebIdentity");
    statement.put("Condition", Map.of("StringEquals", condition));
    return write(document(List.of(statement)));
  }

  /**
   * The trust policy of a role that the operator (or the CLI) assumes with {@code --role-arn}, for
   * example in the registry's account: it lets one principal assume it, with the external ID as a
   * condition when one is given.
   *
   * @param principalArn the identity that assumes the role: the operator's own role or user
   */
  public static String assumeRoleTrustPolicy(String principalArn, String externalId) {
    if (principalArn == null || !PRINCIPAL_ARN.matcher(principalArn).matches()) {
      throw new IllegalArgumentException(
          "'"
              + principalArn
              + "' is not an IAM role or user ARN (arn:aws:iam::ACCOUNT:role/NAME or"
              + " arn:aws:iam::ACCOUNT:user/NAME)");
    }
    var statement = new LinkedHashMap<String, Object>();
    statement.put("Effect", "Allow");
    statement.put("Principal", Map.of("AWS", principalArn));
    statement.put("Action", "sts:AssumeRole");
    if (externalId != null && !externalId.isBlank()) {
      statement.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", externalId)));
    }
    return write(document(List.of(statement)));
  }

  /**
   * The trust policy for EKS Pod Identity: the Pod Identity agent's service principal assumes the
   * role (and tags the session); which service account gets it is set by the Pod Identity
   * association, not here.
   */
  public static String podIdentityTrustPolicy() {
    var statement = new LinkedHashMap<String, Object>();
    statement.put("Effect", "Allow");
    statement.put("Principal", Map.of("Service", "pods.eks.amazonaws.com"));
    statement.put("Action", List.of("sts:AssumeRole", "sts:TagSession"));
    return write(document(List.of(statement)));
  }

  /**
   * The role ARN behind a caller ARN as {@code sts:GetCallerIdentity} gives it: an assumed-role
   * session ({@code arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION}) becomes {@code
   * arn:aws:iam::ACCOUNT:role/NAME}; users and roles are returned as they are.
   */
  public static String principalOf(String callerArn) {
    var m = ASSUMED_ROLE.matcher(callerArn);
    return m.matches()
        ? "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3)
        : callerArn;
  }

  private static Map<String, Object> statement(String sid, List<String> actions, Object resource) {
    var statement = new LinkedHashMap<String, Object>();
    statement.put("Sid", sid);
    statement.put("Effect", "Allow");
    statement.put("Action", actions);
    statement.put("Resource", resource);
    return statement;
  }

  private static Map<String, Object> document(List<? extends Map<String, Object>> statements) {
    var document = new LinkedHashMap<String, Object>();
    document.put("Version", "2012-10-17");
    document.put("Statement", statements);
    return document;
  }

  private static String write(Object document) {
    try {
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
