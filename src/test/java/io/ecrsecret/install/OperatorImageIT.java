package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.IamPolicies;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image we ship, run as a pod from deploy/operator/cluster-wide.yaml as shipped ({@link
 * OperatorPod}): with static keys, and with a projected service-account token as IRSA (audience
 * {@code sts.amazonaws.com}) and ROSA with STS ({@code openshift}) give it. It serves an
 * EcrPullSecret, and a pod pulls through the secret it wrote.
 */
@ExtendWith(SandboxExtension.class)
class OperatorImageIT {

  @Test
  void theShippedDeploymentRunsOurImageAndItsSecretsPull(Sandbox sandbox) throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      try (var operator =
          OperatorPod.start(
              sandbox, kube, OperatorPod.Identity.staticKeys(sandbox.aws().adminCredentials()))) {
        servesAPodThatPulls(sandbox, kube, "image-keys");

        // the operator's JVM in its container: resident memory under the limit the cgroup enforces
        long rss = operator.residentBytes();
        long limit = operator.memoryLimitBytes();
        System.out.printf(
            "operator pod: RSS %.1f MiB, cgroup memory limit %.0f MiB, uid %s%n",
            rss / 1048576.0, limit / 1048576.0, operator.process().info().user().orElse("?"));
        assertThat(limit).as("the shipped limit, enforced").isEqualTo(384L * 1024 * 1024);
        assertThat(rss).isPositive().isLessThan(limit);

        // the AOT cache the image was built with (scripts/aot-cache) serves it: the JVM maps it,
        // and says nothing of a cache it could not use (it would then start without, slower)
        assertThat(operator.process().info().commandLine().orElse(""))
            .contains("-XX:AOTCache=/app/aot/app.aot");
        assertThat(operator.mappedFiles()).contains("/app/aot/app.aot");
        assertThat(operator.log()).doesNotContain("[aot]").doesNotContain("[cds]");
      }
    }
  }

  /**
   * No keys anywhere: the pod has what the EKS pod identity webhook gives it (on EKS, and on ROSA
   * with STS for the {@code openshift} audience), and the AWS peer's log shows the role assumed
   * with that token, then the token requests under the role's temporary credentials.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sts.amazonaws.com", "openshift"})
  void withAProjectedTokenItAssumesItsRoleAndItsSecretsPull(String audience, Sandbox sandbox)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      // the issuer as the API server writes it into the tokens it signs
      Manifests.applyAndRun(
          kube,
          Manifests.file(kube, "deploy/operator/cluster-wide.yaml").stream()
              .filter(i -> i.getKind().equals("Namespace") || i.getKind().equals("ServiceAccount"))
              .toList());
      String issuer =
          TestCluster.issuerOf(
              TestCluster.serviceAccountToken(
                  kube, OperatorPod.NAMESPACE, OperatorPod.SERVICE_ACCOUNT, audience));
      sandbox
          .aws()
          .trustServiceAccountTokens(issuer, sandbox.kubernetes().serviceAccountSigningKey());
      String suffix = audience.equals("openshift") ? "rosa" : "irsa";
      String role =
          sandbox
              .aws()
              .createRoleWithTrust(
                  "operator-" + suffix,
                  IamPolicies.trustPolicy(
                      issuer,
                      AwsPeer.ACCOUNT,
                      "aws",
                      OperatorPod.NAMESPACE,
                      OperatorPod.SERVICE_ACCOUNT,
                      audience),
                  AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));

      sandbox.aws().resetRequestCounts();
      try (var operator =
          OperatorPod.start(sandbox, kube, OperatorPod.Identity.webIdentity(role, audience))) {
        servesAPodThatPulls(sandbox, kube, "image-" + suffix);
      }
      var requests = sandbox.aws().recentRequests();
      assertThat(requests)
          .extracting(r -> r.path("action").asText())
          .containsSubsequence("sts:AssumeRoleWithWebIdentity", "ecr:GetAuthorizationToken");
      assertThat(
              requests.stream()
                  .filter(r -> r.path("action").asText().equals("sts:AssumeRoleWithWebIdentity"))
                  .map(r -> r.path("params").path("RoleArn").asText()))
          .as("the role of the pod's environment")
          .contains(role);
      assertThat(
              requests.stream()
                  .filter(r -> r.path("action").asText().equals("ecr:GetAuthorizationToken"))
                  .map(r -> r.path("accessKey").asText()))
          .as("asked under the role's temporary credentials, never the admin's keys")
          .isNotEmpty()
          .allSatisfy(
              key ->
                  assertThat(key)
                      .isNotEmpty()
                      .isNotEqualTo(sandbox.aws().adminCredentials().accessKeyId()));
    }
  }

  /** An EcrPullSecret the operator pod serves, and a pod that pulls through its secret. */
  private static void servesAPodThatPulls(Sandbox sandbox, KubernetesClient kube, String ns) {
    TestCluster.namespace(kube, ns, Map.of());
    var resource = new EcrPullSecret();
    resource.getMetadata().setName("pull");
    resource.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    resource.setSpec(spec);
    kube.resource(resource).create();
    try {
      await("the resource Ready")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                var r = kube.resource(resource).get();
                return r.getStatus() != null
                    && r.getStatus().getConditions() != null
                    && r.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "not Ready: "
              + kube.resource(resource).get().getStatus()
              + "; operator log:\n"
              + kube.pods().inNamespace(OperatorPod.NAMESPACE).list().getItems().stream()
                  .map(p -> kube.pods().resource(p).getLog())
                  .toList(),
          e);
    }
    kube.resource(Pods.of(ns, "app", sandbox.image())).create();
    Pods.await(kube, ns, "app", Pods::running, Duration.ofSeconds(60));
  }
}
