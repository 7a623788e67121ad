package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped ValidatingAdmissionPolicy (deploy/operator/cluster-wide.yaml, as installed) against
 * the shipped ClusterRole, as the operator's ServiceAccount: the escalation its RBAC alone allows
 * (a service-account-token Secret in kube-system for a powerful controller's account) is denied
 * with a message naming the policy, and so is every other write the operator never makes, while the
 * writes it does make pass. That every kind of secret is still made under the policy is shown by
 * the operator ITs, which run as a ServiceAccount fenced by the same policy (OperatorIdentity).
 */
@ExtendWith(SandboxExtension.class)
class AdmissionPolicyIT {

  private static final String POLICY = "ecr-secret-operator-writes";
  private static final String NS = "fence";
  private static final String OPERATOR =
      "system:serviceaccount:ecr-secret-operator:ecr-secret-operator";

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static ValidatingAdmissionPolicyBinding binding;

  @BeforeAll
  static void install(Sandbox sandbox) throws Exception {
    admin = sandbox.kubernetes().adminClient();
    List<HasMetadata> items = Manifests.file(admin, "deploy/operator/cluster-wide.yaml");
    binding =
        items.stream()
            .filter(ValidatingAdmissionPolicyBinding.class::isInstance)
            .map(ValidatingAdmissionPolicyBinding.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("cluster-wide.yaml ships no policy binding"));
    Manifests.apply(admin, items);
    if (admin.namespaces().withName(NS).get() == null) {
      admin
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(NS)
                  .endMetadata()
                  .build())
          .create();
    }
    // the cluster-wide grant of this install (InstallIT removes it between its scenarios)
    for (HasMetadata item : items) {
      if (item.getKind().equals("ClusterRoleBinding")) {
        admin.resource(item).forceConflicts().serverSideApply();
      }
    }
    operator =
        sandbox
            .kubernetes()
            .clientImpersonating(
                OPERATOR,
                "system:serviceaccounts",
                "system:serviceaccounts:ecr-secret-operator",
                "system:authenticated");
  }

  @AfterAll
  static void close() {
    admin.resource(binding).forceConflicts().serverSideApply();
    operator.close();
    admin.close();
  }

  /** What the token controller fills with a token for the named account. */
  private static Secret tokenSecretFor(String account) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("escalate")
        .withNamespace("kube-system")
        .withAnnotations(Map.of("kubernetes.io/service-account.name", account))
        .withLabels(ourMarkers())
        .endMetadata()
        .withType("kubernetes.io/service-account-token")
        .build();
  }

  private static Map<String, String> ourMarkers() {
    return Map.of(
        "app.kubernetes.io/managed-by",
        "ecr-secret-operator",
        "ecr-secret-operator.io/owner-kind",
        "EcrPullSecret");
  }

  private static Secret pullSecret(String name, Map<String, String> labels, String type) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(labels)
        .endMetadata()
        .withType(type)
        .withStringData(
            switch (type) {
              case "Opaque" -> Map.of("url", "oci://x", "password", "p");
              case "kubernetes.io/tls" -> Map.of("tls.crt", "not-a-cert", "tls.key", "not-a-key");
              default -> Map.of(".dockerconfigjson", "{\"auths\":{}}");
            })
        .build();
  }

  /** The request's refusal, if it was refused (403), or empty if the API server took it. */
  private static Optional<String> refusal(Runnable request) {
    try {
      request.run();
      return Optional.empty();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      return Optional.of(e.getMessage());
    }
  }

  private static void assertDeniedByPolicy(Runnable request, String because) {
    assertThat(refusal(request))
        .as("refused")
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("ValidatingAdmissionPolicy '" + POLICY + "'")
                    .contains(because));
  }

  @Test
  void theEscalationTheClusterRoleAllowsIsDeniedAndOnlyByThePolicy() {
    Secret escalation = tokenSecretFor("clusterrole-aggregation-controller");
    // without the binding, the shipped ClusterRole lets the operator's token make it: the hole
    admin.resource(binding).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> refusal(() -> operator.resource(escalation).dryRun().create()).isEmpty());
    // with the policy bound, the same request is refused, and says by what
    admin.resource(binding).forceConflicts().serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> refusal(() -> operator.resource(escalation).dryRun().create()).isPresent());
    assertDeniedByPolicy(
        () -> operator.resource(escalation).dryRun().create(),
        "never writes service-account-token Secrets");
  }

  /**
   * The ClusterRole lets the operator request a token for any service account (aws.serviceAccount):
   * the policy lets through only tokens for AWS STS, an hour at most, never one the API server
   * accepts (which would make it whatever account it names).
   */
  @Test
  void serviceAccountTokensAreOnlyForStsAndShortLived() {
    awaitPolicyInForce();
    String controller = "default"; // kube-system's: what an API token for it could do, it must not
    assertDeniedByPolicy(
        () -> tokenRequest(controller, "https://kubernetes.default.svc.cluster.local", 3600),
        "only for AWS STS");
    assertDeniedByPolicy(
        () -> tokenRequest(controller, "sts.amazonaws.com", 86400), "only for AWS STS");
    assertThat(refusal(() -> tokenRequest(controller, "sts.amazonaws.com", 3600)))
        .as("a token for STS, for an hour")
        .isEmpty();
  }

  private static void tokenRequest(String account, String audience, long seconds) {
    operator
        .serviceAccounts()
        .inNamespace("kube-system")
        .withName(account)
        .tokenRequest(
            new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(audience)
                .withExpirationSeconds(seconds)
                .endSpec()
                .build());
  }

  @Test
  void onlyThePullSecretsTheOperatorWritesPass() {
    awaitPolicyInForce();
    // what it writes: docker config JSON and Argo CD's Opaque repository secrets, with its markers
    assertThat(
            refusal(
                () ->
                    operator
                        .resource(
                            pullSecret("ok-docker", ourMarkers(), "kubernetes.io/dockerconfigjson"))
                        .dryRun()
                        .create()))
        .isEmpty();
    var argo = new java.util.HashMap<>(ourMarkers());
    argo.put("argocd.argoproj.io/secret-type", "repository");
    assertThat(
            refusal(
                () -> operator.resource(pullSecret("ok-argo", argo, "Opaque")).dryRun().create()))
        .isEmpty();
    // what it never writes
    assertDeniedByPolicy(
        () ->
            operator.resource(pullSecret("plain-opaque", ourMarkers(), "Opaque")).dryRun().create(),
        "creates only pull secrets");
    assertDeniedByPolicy(
        () ->
            operator
                .resource(pullSecret("unmarked", Map.of(), "kubernetes.io/dockerconfigjson"))
                .dryRun()
                .create(),
        "creates only pull secrets");
    assertDeniedByPolicy(
        () ->
            operator
                .resource(pullSecret("tls", ourMarkers(), "kubernetes.io/tls"))
                .dryRun()
                .create(),
        "creates only pull secrets");
  }

  @Test
  void anotherOwnersSecretCanBeAdoptedButNotRewrittenOrDeleted() {
    awaitPolicyInForce();
    Secret database =
        admin
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("database")
                    .withNamespace(NS)
                    .endMetadata()
                    .withStringData(Map.of("username", "dbadmin", "password", "not-a-token"))
                    .build())
            .createOr(c -> c.update());
    Secret rewritten =
        new SecretBuilder(database)
            .editMetadata()
            .addToLabels(ourMarkers())
            .endMetadata()
            .withData(Map.of("password", "b3ZlcndyaXR0ZW4="))
            .build();
    assertDeniedByPolicy(
        () -> operator.resource(rewritten).dryRun().update(), "updates only pull secrets");
    assertDeniedByPolicy(() -> operator.resource(database).dryRun().delete(), "deletes only");

    Secret dockerHub =
        admin
            .resource(pullSecret("docker-hub", Map.of(), "kubernetes.io/dockerconfigjson"))
            .createOr(c -> c.update());
    assertDeniedByPolicy(() -> operator.resource(dockerHub).dryRun().delete(), "deletes only");
    // adoption: the same secret gains our markers; release: it loses them again
    Secret adopted =
        new SecretBuilder(dockerHub).editMetadata().addToLabels(ourMarkers()).endMetadata().build();
    assertThat(refusal(() -> operator.resource(adopted).dryRun().update())).isEmpty();
  }

  @Test
  void serviceAccountsOnlyGainOrLoseLinks() {
    awaitPolicyInForce();
    ServiceAccount account =
        admin
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("app")
                    .withNamespace(NS)
                    .endMetadata()
                    .build())
            .createOr(c -> c.update());
    ServiceAccount linked =
        new ServiceAccountBuilder(account).addNewImagePullSecret("ecr-pull-secret").build();
    assertThat(refusal(() -> operator.resource(linked).dryRun().update())).isEmpty();
    ServiceAccount withRole =
        new ServiceAccountBuilder(account)
            .editMetadata()
            .addToAnnotations("eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/admin")
            .endMetadata()
            .build();
    assertDeniedByPolicy(
        () -> operator.resource(withRole).dryRun().update(), "only links pull secrets");
  }

  @Test
  void onlyPodsStuckPullingUnderAControllerAreDeleted() {
    awaitPolicyInForce();
    var pod =
        admin
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("bare")
                    .withNamespace(NS)
                    .endMetadata()
                    .withNewSpec()
                    // never scheduled: it stays Pending, pulling nothing
                    .withNodeName("no-such-node")
                    .addNewContainer()
                    .withName("app")
                    .withImage("registry.invalid/app:1")
                    .endContainer()
                    .endSpec()
                    .build())
            .createOr(c -> c.update());
    assertDeniedByPolicy(
        () -> operator.resource(pod).dryRun().delete(), "deletes only pods that a controller owns");
  }

  private static void awaitPolicyInForce() {
    admin.resource(binding).forceConflicts().serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                refusal(
                        () ->
                            operator
                                .resource(tokenSecretFor("clusterrole-aggregation-controller"))
                                .dryRun()
                                .create())
                    .isPresent());
  }
}
