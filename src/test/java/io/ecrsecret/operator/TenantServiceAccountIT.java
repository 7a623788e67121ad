package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.IamPolicies;
import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant's own role through its own service account, as External Secrets does with
 * serviceAccountRef: the operator (under its shipped rights and admission policy) requests a token
 * for the account named in aws.serviceAccount, for STS, and the sandbox's STS, checking it against
 * the API server's real issuer as AWS does, hands out the role whose trust policy names that
 * account (the role from the account's IRSA annotation). An account the role does not trust is
 * refused by STS; an account with no role, or a role not allowed, is refused by the operator.
 */
@ExtendWith(SandboxExtension.class)
class TenantServiceAccountIT {

  private static final String NS = "tenant-own-role";

  @Test
  void aResourceIsItsNamespacesServiceAccountAsTheRoleThatAccountMayAssume(Sandbox sandbox)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    String registry = sandbox.registry().ecrHost();
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, NS, Map.of());
      String issuer =
          TestCluster.issuerOf(TestCluster.serviceAccountToken(kube, NS, "default", "probe"));
      sandbox
          .aws()
          .trustServiceAccountTokens(issuer, sandbox.kubernetes().serviceAccountSigningKey());
      String role =
          sandbox
              .aws()
              .createRoleWithTrust(
                  "tenant-puller",
                  IamPolicies.trustPolicy(
                      issuer, AwsPeer.ACCOUNT, "aws", NS, "puller", "sts.amazonaws.com"),
                  AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
      account(kube, "puller", Map.of("eks.amazonaws.com/role-arn", role));
      account(kube, "stranger", Map.of("eks.amazonaws.com/role-arn", role));
      account(kube, "no-role", Map.of());

      var config =
          TestOperatorConfig.named("tenant-own-role")
              .allowedRoleArns(List.of("arn:aws:iam::" + AwsPeer.ACCOUNT + ":role/tenant-*"))
              .build();
      sandbox.aws().resetRequestCounts();
      try (KubernetesClient operatorClient = OperatorIdentity.client(sandbox.kubernetes());
          var operator =
              OperatorFixture.start(sandbox, operatorClient, config, Clock.systemUTC())) {
        for (String account : List.of("puller", "stranger", "no-role")) {
          kube.resource(resource(account, registry)).create();
        }

        Condition ready = awaitReady(kube, "puller");
        assertThat(ready.getStatus()).as(ready.getMessage()).isEqualTo("True");
        var requests = sandbox.aws().recentRequests();
        assertThat(requests)
            .extracting(r -> r.path("action").asText())
            .containsSubsequence("sts:AssumeRoleWithWebIdentity", "ecr:GetAuthorizationToken");
        assertThat(
                requests.stream()
                    .filter(r -> r.path("action").asText().equals("ecr:GetAuthorizationToken"))
                    .map(r -> r.path("accessKey").asText())
                    .toList())
            .as("asked under the role's credentials, not the operator's")
            .doesNotContain(sandbox.aws().adminCredentials().accessKeyId());
        assertThat(kube.secrets().inNamespace(NS).withName("puller-pull").get()).isNotNull();

        Condition stranger = awaitReady(kube, "stranger");
        assertThat(stranger.getStatus()).isEqualTo("False");
        assertThat(stranger.getMessage()).contains("AssumeRoleWithWebIdentity");
        assertThat(kube.secrets().inNamespace(NS).withName("stranger-pull").get()).isNull();

        Condition noRole = awaitReady(kube, "no-role");
        assertThat(noRole.getStatus()).isEqualTo("False");
        assertThat(noRole.getReason()).isEqualTo("IdentityNotAllowed");
        assertThat(noRole.getMessage()).contains("names no role", "eks.amazonaws.com/role-arn");
        // gone while the operator can still finalize them: nothing left for the tests after
        TestCluster.deleteResourcesWhileServed(kube, NS, Duration.ofSeconds(30));
      }
    }
  }

  private static void account(KubernetesClient kube, String name, Map<String, String> annotations) {
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withAnnotations(annotations)
                .endMetadata()
                .build())
        .create();
  }

  private static EcrPullSecret resource(String account, String registry) {
    var r = new EcrPullSecret();
    r.getMetadata().setName(account);
    r.getMetadata().setNamespace(NS);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName(account + "-pull");
    spec.setServiceAccounts(List.of());
    var aws = new AwsIdentitySpec();
    aws.setServiceAccount(account);
    spec.setAws(aws);
    r.setSpec(spec);
    return r;
  }

  private static Condition awaitReady(KubernetesClient kube, String name) {
    return await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> {
              var r = kube.resources(EcrPullSecret.class).inNamespace(NS).withName(name).get();
              return r == null ? null : StatusBuilder.readyCondition(r.getStatus()).orElse(null);
            },
            c -> c != null);
  }
}
