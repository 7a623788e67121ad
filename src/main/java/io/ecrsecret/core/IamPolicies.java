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
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

  private IamPolicies() {}

  /**
   * The permission policy: {@code ecr:GetAuthorizationToken} (which has no resource scope), and
   * pulling from the given repositories (all, if none given).
   */
  public static String permissionPolicy(List<String> repositoryArns) {
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
  public static String trustPolicy(
      String oidcProviderUrl,
      String account,
      String partition,
      String namespace,
      String serviceAccount,
      String audience) {
    String issuer = oidcProviderUrl.trim().replaceFirst("^https://", "").replaceAll("/+$", "");
    if (issuer.isEmpty() || issuer.contains("://") || issuer.contains(" ")) {
      throw new IllegalArgumentException(
          "'" + oidcProviderUrl + "' is not an OIDC issuer URL (https://HOST/PATH)");
    }
    if (account == null || !ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException("'" + account + "' is not a 12-digit AWS account ID");
    }
    var condition = new LinkedHashMap<String, Object>();
    condition.put(issuer + ":sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
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
