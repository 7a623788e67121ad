package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class IamPoliciesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void permissionPolicyAllowsTheTokenEverywhereAndPullsWhereSaid() throws Exception {
    String arn = "arn:aws:ecr:us-east-1:818140567777:repository/*";
    JsonNode policy = JSON.readTree(IamPolicies.permissionPolicy(List.of(arn), false));
    assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
    JsonNode token = policy.path("Statement").get(0);
    assertThat(token.path("Action").get(0).asText()).isEqualTo("ecr:GetAuthorizationToken");
    assertThat(token.path("Resource").asText()).isEqualTo("*");
    JsonNode pull = policy.path("Statement").get(1);
    assertThat(pull.path("Action").toString())
        .contains("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer");
    assertThat(pull.path("Resource").get(0).asText()).isEqualTo(arn);
    assertThat(policy.path("Statement")).hasSize(2);
  }

  @Test
  void ecrPublicAddsItsTokenAndTheBearerTokenItNeeds() throws Exception {
    JsonNode policy = JSON.readTree(IamPolicies.permissionPolicy(List.of(), true));
    assertThat(policy.path("Statement")).hasSize(3);
    JsonNode statement = policy.path("Statement").get(2);
    assertThat(statement.path("Action").toString())
        .contains("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken");
    assertThat(statement.path("Resource").asText()).isEqualTo("*");
  }

  @Test
  void permissionPolicyRejectsWhatIsNotARepositoryArn() {
    assertThatThrownBy(() -> IamPolicies.permissionPolicy(List.of("arn:aws:s3:::bucket"), false))
        .hasMessageContaining("not an ECR repository ARN");
  }

  @Test
  void trustPolicyNamesTheProviderTheServiceAccountAndTheAudience() throws Exception {
    JsonNode policy =
        JSON.readTree(
            IamPolicies.trustPolicy(
                "https://oidc.op1.openshiftapps.com/2k0c8r75om1ojie607vf4glkvbd4mo89/",
                "606639739464",
                "aws",
                "cf-dev",
                "ecr-sa",
                "openshift"));
    JsonNode statement = policy.path("Statement").get(0);
    String issuer = "oidc.op1.openshiftapps.com/2k0c8r75om1ojie607vf4glkvbd4mo89";
    assertThat(statement.path("Principal").path("Federated").asText())
        .isEqualTo("arn:aws:iam::606639739464:oidc-provider/" + issuer);
    assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
    JsonNode equals = statement.path("Condition").path("StringEquals");
    assertThat(equals.path(issuer + ":sub").asText())
        .isEqualTo("system:serviceaccount:cf-dev:ecr-sa");
    assertThat(equals.path(issuer + ":aud").asText()).isEqualTo("openshift");
  }

  @Test
  void aTrustPolicyForTwoServiceAccountsAdmitsEither() throws Exception {
    JsonNode sub =
        JSON.readTree(
                IamPolicies.trustPolicy(
                    "https://oidc.example/id/ABC",
                    "606639739464",
                    "aws",
                    "ecr-secret-operator",
                    List.of("ecr-secret-operator", IamPolicies.RH_MOBB_SERVICE_ACCOUNT),
                    "openshift"))
            .path("Statement")
            .get(0)
            .path("Condition")
            .path("StringEquals")
            .path("oidc.example/id/ABC:sub");
    assertThat(sub.isArray()).isTrue();
    assertThat(sub)
        .extracting(JsonNode::asText)
        .containsExactly(
            "system:serviceaccount:ecr-secret-operator:ecr-secret-operator",
            "system:serviceaccount:ecr-secret-operator:ecr-secret-operator-controller-manager");
  }

  @Test
  void trustPolicyRejectsABadAccount() {
    assertThatThrownBy(
            () ->
                IamPolicies.trustPolicy(
                    "https://x/y", "12", "aws", "ns", "sa", "sts.amazonaws.com"))
        .hasMessageContaining("12-digit");
  }

  @Test
  void anAssumedRoleSessionNamesItsRole() {
    assertThat(
            IamPolicies.principalOf(
                "arn:aws:sts::111122223333:assumed-role/ecr-secret-operator/botocore-session-1"))
        .isEqualTo("arn:aws:iam::111122223333:role/ecr-secret-operator");
    assertThat(IamPolicies.principalOf("arn:aws:iam::111122223333:user/ci"))
        .isEqualTo("arn:aws:iam::111122223333:user/ci");
  }
}
