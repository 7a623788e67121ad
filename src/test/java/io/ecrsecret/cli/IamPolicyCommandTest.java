package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.aws.AwsClientSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IamPolicyCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    var runtime =
        new CliRuntime(
            () -> {
              throw new AssertionError("iam-policy needs no cluster");
            },
            Clock.systemUTC(),
            Map.of(),
            AwsClientSettings.DEFAULT);
    var cli = Main.commandLine(runtime);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void printsAPermissionPolicyReadyForCreatePolicy() throws Exception {
    assertThat(
            run(
                "iam-policy",
                "--repository-arn",
                "arn:aws:ecr:us-east-1:818140567777:repository/*"))
        .isZero();
    JsonNode policy = JSON.readTree(out.toString());
    assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
    assertThat(policy.toString()).contains("ecr:GetAuthorizationToken", "repository/*");
  }

  @Test
  void printsBothDocumentsOrOneOrWritesFiles(@TempDir Path dir) throws Exception {
    String[] common = {
      "iam-policy",
      "--oidc-provider",
      "https://oidc.op1.openshiftapps.com/2k0c8r75om1ojie607vf4glkvbd4mo89",
      "--namespace",
      "cf-dev",
      "--service-account",
      "ecr-sa",
      "--audience",
      "openshift",
      "--account-id",
      "606639739464"
    };
    assertThat(run(common)).isZero();
    JsonNode both = JSON.readTree(out.toString());
    assertThat(both.path("trustPolicy").toString())
        .contains("system:serviceaccount:cf-dev:ecr-sa", "openshift");
    assertThat(both.path("permissionPolicy").path("Statement").isArray()).isTrue();

    out.getBuffer().setLength(0);
    String[] trustOnly =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(common), java.util.stream.Stream.of("--only", "trust"))
            .toArray(String[]::new);
    assertThat(run(trustOnly)).isZero();
    assertThat(JSON.readTree(out.toString()).path("Statement").get(0).path("Action").asText())
        .isEqualTo("sts:AssumeRoleWithWebIdentity");

    String[] toDir =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--output-dir", dir.toString()))
            .toArray(String[]::new);
    assertThat(run(toDir)).isZero();
    assertThat(
            JSON.readTree(Files.readString(dir.resolve("trust-policy.json")))
                .path("Version")
                .asText())
        .isEqualTo("2012-10-17");
    assertThat(Files.exists(dir.resolve("permission-policy.json"))).isTrue();
  }

  @Test
  void badInputIsAUsageErrorThatSaysWhatIsWrong() {
    assertThat(run("iam-policy", "--repository-arn", "arn:aws:s3:::bucket")).isEqualTo(2);
    assertThat(err.toString()).contains("not an ECR repository ARN", "--help");
    assertThat(run("iam-policy", "--only", "trust")).isEqualTo(2);
    assertThat(err.toString()).contains("--oidc-provider");
  }

  @Test
  void printsTheTrustPolicyOfARoleAssumedOnTopWithItsExternalId() throws Exception {
    assertThat(
            run(
                "iam-policy",
                "--assume-role",
                "--only",
                "trust",
                "--principal-arn",
                "arn:aws:iam::111122223333:role/ecr-secret-operator",
                "--external-id",
                "tenant-42"))
        .as(err.toString())
        .isZero();
    JsonNode statement = JSON.readTree(out.toString()).path("Statement").get(0);
    assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(statement.path("Principal").path("AWS").asText())
        .isEqualTo("arn:aws:iam::111122223333:role/ecr-secret-operator");
    assertThat(statement.path("Condition").path("StringEquals").path("sts:ExternalId").asText())
        .isEqualTo("tenant-42");
  }

  @Test
  void printsThePodIdentityTrustPolicy() throws Exception {
    assertThat(run("iam-policy", "--pod-identity", "--only", "trust")).isZero();
    JsonNode statement = JSON.readTree(out.toString()).path("Statement").get(0);
    assertThat(statement.path("Principal").path("Service").asText())
        .isEqualTo("pods.eks.amazonaws.com");
    assertThat(statement.path("Action").toString()).contains("sts:AssumeRole", "sts:TagSession");
  }

  @Test
  void trustPolicyKindsAreExclusiveAndTheirOptionsBelongToThem() {
    assertThat(run("iam-policy", "--pod-identity", "--assume-role")).isEqualTo(2);
    assertThat(err.toString()).contains("choose one trust policy");
    assertThat(run("iam-policy", "--external-id", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("belong to --assume-role");
    assertThat(run("iam-policy", "--assume-role", "--principal-arn", "arn:aws:s3:::b"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not an IAM role or user ARN");
  }
}
