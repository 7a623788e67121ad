package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.IamPolicies;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * IRSA (and ROSA STS) for real: a service account's token from the cluster's TokenRequest API, as
 * the EKS webhook or OpenShift projects it, with AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE; the
 * role's trust policy is the one {@code iam-policy} prints. STS (the sandbox's, checking the token
 * as AWS does) hands out the role's credentials, and the ECR token is asked for under them. A token
 * for another audience or another service account is refused.
 */
@ExtendWith(SandboxExtension.class)
class WebIdentityIT {

  @Test
  void aServiceAccountTokenAssumesTheRoleItsTrustPolicyAdmits(Sandbox sandbox, @TempDir Path dir)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    String token;
    String otherAudience;
    String otherAccount;
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.namespace(kube, "irsa", Map.of());
      for (String sa : List.of("ecr-refresher", "someone-else")) {
        kube.resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(sa)
                    .withNamespace("irsa")
                    .endMetadata()
                    .build())
            .create();
      }
      token = token(kube, "ecr-refresher", "sts.amazonaws.com");
      otherAudience = token(kube, "ecr-refresher", "openshift");
      otherAccount = token(kube, "someone-else", "sts.amazonaws.com");
    }
    String issuer = TestCluster.issuerOf(token);
    sandbox
        .aws()
        .trustServiceAccountTokens(issuer, sandbox.kubernetes().serviceAccountSigningKey());
    String role =
        sandbox
            .aws()
            .createRoleWithTrust(
                "irsa-ecr",
                IamPolicies.trustPolicy(
                    issuer, AwsPeer.ACCOUNT, "aws", "irsa", "ecr-refresher", "sts.amazonaws.com"),
                AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));

    sandbox.aws().resetRequestCounts();
    var run = jar(sandbox, dir, role, token);
    assertThat(run.exitCode()).as(run.output()).isZero();
    var requests = sandbox.aws().recentRequests();
    assertThat(requests)
        .extracting(r -> r.path("action").asText())
        .containsSubsequence("sts:AssumeRoleWithWebIdentity", "ecr:GetAuthorizationToken");
    var ecr =
        requests.stream()
            .filter(r -> r.path("action").asText().equals("ecr:GetAuthorizationToken"))
            .findFirst()
            .orElseThrow();
    assertThat(ecr.path("accessKey").asText())
        .as("asked under the role's temporary credentials, not the admin's keys")
        .isNotEqualTo(sandbox.aws().adminCredentials().accessKeyId())
        .isNotEmpty();

    for (String refused : List.of(otherAudience, otherAccount)) {
      var denied = jar(sandbox, dir, role, refused);
      assertThat(denied.exitCode()).as(denied.output()).isEqualTo(1);
      assertThat(denied.output())
          .contains("AWS denied sts:AssumeRoleWithWebIdentity", "does not admit")
          .doesNotContain("No AWS credentials found");
    }
  }

  private static String token(KubernetesClient kube, String serviceAccount, String audience) {
    return TestCluster.serviceAccountToken(kube, "irsa", serviceAccount, audience);
  }

  record Run(int exitCode, String output) {}

  /** The real jar, as a pod with IRSA runs it: no keys, a role and a token file. */
  private static Run jar(Sandbox sandbox, Path dir, String role, String token)
      throws IOException, InterruptedException {
    Path file = Files.writeString(dir.resolve("token-" + System.nanoTime()), token);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/ecr-secret-operator.jar").toString(),
                "refresh",
                "-n",
                "irsa",
                "-r",
                sandbox.registry().ecrHost(),
                "--no-link"));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(sandbox.environment());
    builder.environment().remove("AWS_ACCESS_KEY_ID");
    builder.environment().remove("AWS_SECRET_ACCESS_KEY");
    builder.environment().put("AWS_ROLE_ARN", role);
    builder.environment().put("AWS_WEB_IDENTITY_TOKEN_FILE", file.toString());
    builder.environment().put("AWS_ROLE_SESSION_NAME", "irsa-test");
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
