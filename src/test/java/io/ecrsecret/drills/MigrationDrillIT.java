package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Switching from rh-mobb's operator costs nothing: its resources and the secrets it made are in
 * place (no labels, no owner references, its data layout, a token long expired), our operator
 * starts, and a watch on each secret sees it updated in place, never deleted; every secret then
 * authenticates at the registry. Deleting the old resources (their default deletion policy is
 * Retain) leaves every secret where it is, valid and no longer managed.
 */
@ExtendWith(SandboxExtension.class)
class MigrationDrillIT {

  private static final String NS = "migrate-from-rh-mobb";

  @Test
  void theSecretsRhMobbMadeAreTakenOverInPlaceAndStayWhenItsResourcesGo(Sandbox sandbox)
      throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, true);
      TestCluster.namespace(kube, NS, Map.of());
      // as rh-mobb's operator left them: its resources, and the secrets it wrote from them, each
      // with its controller reference to the resource it was made for
      var made = new java.util.HashMap<String, String>();
      for (var item :
          kube.load(
                  new ByteArrayInputStream(
                      """
                      apiVersion: ecr.mobb.redhat.com/v1alpha1
                      kind: Secret
                      metadata: {name: ecr-secret, namespace: %1$s}
                      spec:
                        generated_secret_name: ecr-docker-secret
                        ecr_registry: %2$s
                        frequency: 10h
                        region: us-east-1
                      ---
                      apiVersion: ecr.mobb.redhat.com/v1alpha1
                      kind: ArgoHelmRepoSecret
                      metadata: {name: helm-repo, namespace: %1$s}
                      spec:
                        generated_secret_name: ecr-argo-helm-secret
                        url: %2$s
                        frequency: 10h
                        region: us-east-1
                      """
                          .formatted(NS, registry)
                          .getBytes(StandardCharsets.UTF_8)))
              .items()) {
        made.put(item.getKind(), kube.resource(item).create().getMetadata().getUid());
      }
      String stale = "AWS:expired-long-ago";
      Secret docker =
          kube.resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("ecr-docker-secret")
                      .withNamespace(NS)
                      .withOwnerReferences(rhMobbOwner("Secret", "ecr-secret", made))
                      .endMetadata()
                      .withType("kubernetes.io/dockerconfigjson")
                      .withData(
                          Map.of(
                              DockerConfigJson.KEY,
                              b64(
                                  "{\"auths\":{\""
                                      + registry
                                      + "\":{\"username\":\"AWS\",\"password\":\"expired-long-ago\","
                                      + "\"auth\":\""
                                      + b64(stale)
                                      + "\"}}}")))
                      .build())
              .create();
      Secret argo =
          kube.resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("ecr-argo-helm-secret")
                      .withNamespace(NS)
                      .withLabels(Map.of("argocd.argoproj.io/secret-type", "repository"))
                      .withOwnerReferences(rhMobbOwner("ArgoHelmRepoSecret", "helm-repo", made))
                      .endMetadata()
                      .withType("Opaque")
                      .withStringData(
                          Map.of(
                              "name", "ecr-argo-helm-secret",
                              "url", registry,
                              "type", "helm",
                              "username", "AWS",
                              "password", "expired-long-ago"))
                      .build())
              .create();
      assertThat(sandbox.registry().inspect(decoded(docker)).succeeded())
          .as("the secret rh-mobb's operator left no longer authenticates")
          .isFalse();

      var events = new CopyOnWriteArrayList<String>();
      try (Watch dockerWatch = watch(kube, "ecr-docker-secret", events);
          Watch argoWatch = watch(kube, "ecr-argo-helm-secret", events);
          KubernetesClient operatorClient = OperatorIdentity.client(sandbox.kubernetes());
          EcrSecretOperator operator =
              EcrSecretOperator.start(
                  TestOperatorConfig.named("migration-drill").compat().build(),
                  operatorClient,
                  Clock.systemUTC(),
                  new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
        await("both secrets taken over")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    ManagedMarkers.isManaged(secret(kube, "ecr-docker-secret"))
                        && ManagedMarkers.isManaged(secret(kube, "ecr-argo-helm-secret")));
        Secret taken = secret(kube, "ecr-docker-secret");
        assertThat(taken.getMetadata().getUid()).isEqualTo(docker.getMetadata().getUid());
        assertThat(secret(kube, "ecr-argo-helm-secret").getMetadata().getUid())
            .isEqualTo(argo.getMetadata().getUid());
        assertThat(sandbox.registry().inspect(decoded(taken)).succeeded())
            .as("the secret taken over authenticates")
            .isTrue();
        assertThat(taken.getData())
            .as("nothing of ours added to what the pods read")
            .containsOnlyKeys(DockerConfigJson.KEY);
        assertThat(
                SecretData.decoded(secret(kube, "ecr-argo-helm-secret"), "password").orElseThrow())
            .isNotEqualTo("expired-long-ago");
        await("the adoption said in status and an Event")
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> {
                  var r =
                      kube.resources(MobbSecret.class).inNamespace(NS).withName("ecr-secret").get();
                  return r.getStatus() != null
                      && r.getStatus().getSecretAdoptedAt() != null
                      && kube.v1().events().inNamespace(NS).list().getItems().stream()
                          .anyMatch(e -> "SecretAdopted".equals(e.getReason()));
                });

        // the old resources go; with their default policy (Retain) the secrets stay
        kube.resources(MobbSecret.class).inNamespace(NS).withName("ecr-secret").delete();
        kube.resources(ArgoHelmRepoSecret.class).inNamespace(NS).withName("helm-repo").delete();
        await("the resources finalized")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    kube.resources(MobbSecret.class).inNamespace(NS).list().getItems().isEmpty()
                        && kube.resources(ArgoHelmRepoSecret.class)
                            .inNamespace(NS)
                            .list()
                            .getItems()
                            .isEmpty());
        // a garbage collector that would delete them has its chance: they stay throughout
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(4))
            .until(
                () ->
                    secret(kube, "ecr-docker-secret") != null
                        && secret(kube, "ecr-argo-helm-secret") != null);
        Secret kept = secret(kube, "ecr-docker-secret");
        assertThat(kept).isNotNull();
        assertThat(kept.getMetadata().getUid()).isEqualTo(docker.getMetadata().getUid());
        assertThat(ManagedMarkers.isManaged(kept)).as("no longer managed").isFalse();
        assertThat(kept.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(sandbox.registry().inspect(decoded(kept)).succeeded()).isTrue();
        assertThat(secret(kube, "ecr-argo-helm-secret")).isNotNull();
      }
      assertThat(events)
          .as("the secrets were only ever modified, never deleted and made again")
          .isNotEmpty()
          .allMatch(e -> e.equals("MODIFIED"));
    }
  }

  /**
   * rh-mobb's credentials as it documents them: a Secret {@code aws-ecr-cloud-credentials} in the
   * operator's namespace, key {@code credentials}, an AWS shared credentials file. With static keys
   * its kinds ask AWS with those keys; with {@code role_arn} and {@code source_profile} they assume
   * the role first, as the AWS SDK does for such a profile.
   */
  @Test
  void rhMobbsCredentialsSecretIsWhatItsKindsUse(Sandbox sandbox) throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    var keys =
        sandbox
            .aws()
            .createUser(
                "rh-mobb-user",
                io.ecrsecret.sandbox.AwsPeer.policy(
                    "[\"ecr:GetAuthorizationToken\",\"sts:AssumeRole\"]", "\"*\""));
    String role =
        sandbox
            .aws()
            .createRole(
                "rh-mobb-role",
                "arn:aws:iam::" + io.ecrsecret.sandbox.AwsPeer.ACCOUNT + ":user/rh-mobb-user",
                null,
                io.ecrsecret.sandbox.AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    String operatorNs = "rh-mobb-operator";
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, true);
      for (String ns : List.of(operatorNs, "rh-mobb-keys", "rh-mobb-role")) {
        TestCluster.namespace(kube, ns, Map.of());
      }
      credentials(
          kube,
          operatorNs,
          "[default]\naws_access_key_id = "
              + keys.accessKeyId()
              + "\naws_secret_access_key = "
              + keys.secretAccessKey()
              + "\n");
      sandbox.aws().resetRequestCounts();
      try (KubernetesClient operatorClient = OperatorIdentity.client(sandbox.kubernetes());
          EcrSecretOperator operator =
              EcrSecretOperator.start(
                  TestOperatorConfig.named("rh-mobb-credentials")
                      .compat()
                      .operatorNamespace(operatorNs)
                      .compatCredentialsSecret("aws-ecr-cloud-credentials")
                      .build(),
                  operatorClient,
                  Clock.systemUTC(),
                  new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
        mobbSecret(kube, "rh-mobb-keys", registry);
        await("the secret made with the keys of the credentials file")
            .atMost(Duration.ofSeconds(30))
            .until(() -> kube.secrets().inNamespace("rh-mobb-keys").withName("pull").get() != null);
        assertThat(sandbox.aws().requestCountByAccessKey(keys.accessKeyId()))
            .as("asked with the keys in aws-ecr-cloud-credentials")
            .isPositive();

        credentials(
            kube,
            operatorNs,
            "[default]\nrole_arn = "
                + role
                + "\nsource_profile = base\n\n[base]\naws_access_key_id = "
                + keys.accessKeyId()
                + "\naws_secret_access_key = "
                + keys.secretAccessKey()
                + "\n");
        sandbox.aws().resetRequestCounts();
        mobbSecret(kube, "rh-mobb-role", registry);
        await("the secret made as the role of the credentials file")
            .atMost(Duration.ofSeconds(30))
            .until(() -> kube.secrets().inNamespace("rh-mobb-role").withName("pull").get() != null);
        var requests = sandbox.aws().recentRequests();
        assertThat(requests)
            .extracting(r -> r.path("action").asText())
            .containsSubsequence("sts:AssumeRole", "ecr:GetAuthorizationToken");
        assertThat(
                requests.stream()
                    .filter(r -> r.path("action").asText().equals("sts:AssumeRole"))
                    .map(r -> r.path("params").path("RoleArn").asText()))
            .contains(role);
        deleteMobbSecrets(kube);
      }
    }
  }

  /**
   * The identity rule holds for rh-mobb's kinds: with {@code --no-default-identity-for-namespaced}
   * a tenant's EcrPullSecret without {@code aws} is refused, and so are its rh-mobb Secret and
   * ArgoHelmRepoSecret, which name no identity and so would use the platform's credentials Secret
   * (before, both became Ready with it); only a namespace the platform lists may use it.
   */
  @Test
  void rhMobbKindsFollowTheIdentityRuleOfNamespacedResources(Sandbox sandbox) throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    var keys =
        sandbox
            .aws()
            .createUser(
                "rh-mobb-platform",
                io.ecrsecret.sandbox.AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    String operatorNs = "rh-mobb-rule-operator";
    String tenant = "rh-mobb-rule-tenant";
    String listed = "rh-mobb-rule-legacy";
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, true);
      for (String ns : List.of(operatorNs, tenant, listed)) {
        TestCluster.namespace(kube, ns, Map.of());
      }
      credentials(
          kube,
          operatorNs,
          "[default]\naws_access_key_id = "
              + keys.accessKeyId()
              + "\naws_secret_access_key = "
              + keys.secretAccessKey()
              + "\n");
      try (var operator =
          OperatorIdentity.start(
              sandbox.kubernetes(),
              TestOperatorConfig.named("rh-mobb-rule")
                  .compat()
                  .operatorNamespace(operatorNs)
                  .compatCredentialsSecret("aws-ecr-cloud-credentials")
                  .noDefaultIdentityForNamespaced()
                  .compatIdentityNamespaces(List.of("rh-mobb-rule-leg*"))
                  .build())) {
        var eps = new io.ecrsecret.operator.api.EcrPullSecret();
        eps.getMetadata().setName("plain");
        eps.getMetadata().setNamespace(tenant);
        var epsSpec = new io.ecrsecret.operator.api.EcrPullSecret.Spec();
        epsSpec.setRegistries(List.of(registry));
        epsSpec.setSecretName("plain-pull");
        eps.setSpec(epsSpec);
        kube.resource(eps).create();
        mobbSecret(kube, tenant, registry);
        var argo = new ArgoHelmRepoSecret();
        argo.getMetadata().setName("helm");
        argo.getMetadata().setNamespace(tenant);
        var argoSpec = new ArgoHelmRepoSecret.Spec();
        argoSpec.setGeneratedSecretName("helm-repo");
        argoSpec.setUrl(registry);
        argo.setSpec(argoSpec);
        kube.resource(argo).create();
        mobbSecret(kube, listed, registry);

        await("the listed namespace's rh-mobb Secret made with the platform's keys")
            .atMost(Duration.ofSeconds(30))
            .until(() -> kube.secrets().inNamespace(listed).withName("pull").get() != null);
        for (var kind :
            List.<Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>>>of(
                io.ecrsecret.operator.api.EcrPullSecret.class,
                MobbSecret.class,
                ArgoHelmRepoSecret.class)) {
          await(kind.getSimpleName() + " refused")
              .atMost(Duration.ofSeconds(30))
              .until(() -> readyReason(kube, kind, tenant).equals("False/IdentityNotAllowed"));
        }
        var refusal =
            kube.resources(MobbSecret.class).inNamespace(tenant).withName("ecr").get().getStatus();
        assertThat(
                refusal.getConditions().stream()
                    .filter(c -> c.getType().equals("Ready"))
                    .findFirst()
                    .orElseThrow()
                    .getMessage())
            .contains("--no-default-identity-for-namespaced", "To allow namespace " + tenant);
        assertThat(kube.secrets().inNamespace(tenant).list().getItems())
            .extracting(x -> x.getMetadata().getName())
            .as("nothing made with the platform's credentials in the tenant's namespace")
            .doesNotContain("pull", "helm-repo", "plain-pull");
        kube.resources(ArgoHelmRepoSecret.class).inAnyNamespace().delete();
        kube.resource(eps).delete();
        deleteMobbSecrets(kube);
      }
    }
  }

  /**
   * Where the platform opts in, rh-mobb's kinds adopt a secret its operator did not make as an
   * EcrPullSecret with {@code adopt: true} does: the Docker Hub entry stays beside ours, and
   * deleting the resource (Delete) gives the secret back byte for byte.
   */
  @Test
  void withTheOptInRhMobbKindsAdoptOtherSecretsAndGiveThemBack(Sandbox sandbox) throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    String ns = "rh-mobb-opt-in";
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, true);
      TestCluster.namespace(kube, ns, Map.of());
      String hub =
          "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("me:hub") + "\"}}}";
      Secret before =
          kube.resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("pull")
                      .withNamespace(ns)
                      .withLabels(Map.of("team", "a"))
                      .endMetadata()
                      .withType("kubernetes.io/dockerconfigjson")
                      .withData(Map.of(DockerConfigJson.KEY, b64(hub)))
                      .build())
              .create();
      try (var operator =
          OperatorIdentity.start(
              sandbox.kubernetes(),
              TestOperatorConfig.named("rh-mobb-opt-in")
                  .compat()
                  .compatAdoptOtherSecrets()
                  .build())) {
        var resource = new MobbSecret();
        resource.getMetadata().setName("ecr");
        resource.getMetadata().setNamespace(ns);
        var spec = new MobbSecret.Spec();
        spec.setGeneratedSecretName("pull");
        spec.setEcrRegistry(registry);
        spec.setDeletionPolicy(io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy.DELETE);
        resource.setSpec(spec);
        kube.resource(resource).create();
        await("adopted")
            .atMost(Duration.ofSeconds(30))
            .until(() -> readyReason(kube, MobbSecret.class, ns).equals("True/SecretReady"));
        assertThat(decoded(kube.secrets().inNamespace(ns).withName("pull").get()))
            .contains(registry, "index.docker.io");
        kube.resource(resource).delete();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    kube.resources(MobbSecret.class).inNamespace(ns).withName("ecr").get() == null);
        Secret after = kube.secrets().inNamespace(ns).withName("pull").get();
        assertThat(after).isNotNull();
        assertThat(after.getData()).isEqualTo(before.getData());
        assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
        assertThat(after.getMetadata().getAnnotations()).isNullOrEmpty();
      }
    }
  }

  /** "STATUS/REASON" of the Ready condition of the one resource of the kind in the namespace. */
  private static String readyReason(
      KubernetesClient kube,
      Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> kind,
      String ns) {
    var items = kube.resources(kind).inNamespace(ns).list().getItems();
    if (items.isEmpty()
        || !(items.get(0).getStatus() instanceof io.ecrsecret.operator.api.PullSecretStatus status)
        || status.getConditions() == null) {
      return "";
    }
    return status.getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("");
  }

  /** The controller reference rh-mobb's operator (controller-runtime) puts on what it makes. */
  private static io.fabric8.kubernetes.api.model.OwnerReference rhMobbOwner(
      String kind, String name, Map<String, String> uids) {
    return new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion("ecr.mobb.redhat.com/v1alpha1")
        .withKind(kind)
        .withName(name)
        .withUid(uids.get(kind))
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static void credentials(KubernetesClient kube, String ns, String file) {
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("aws-ecr-cloud-credentials")
                .withNamespace(ns)
                .endMetadata()
                .withStringData(Map.of("credentials", file))
                .build())
        .forceConflicts()
        .serverSideApply();
  }

  private static void mobbSecret(KubernetesClient kube, String ns, String registry) {
    var resource = new MobbSecret();
    resource.getMetadata().setName("ecr");
    resource.getMetadata().setNamespace(ns);
    var spec = new MobbSecret.Spec();
    spec.setGeneratedSecretName("pull");
    spec.setEcrRegistry(registry);
    resource.setSpec(spec);
    kube.resource(resource).create();
  }

  /** Deletes the rh-mobb resources while the operator can still finalize them. */
  private static void deleteMobbSecrets(KubernetesClient kube) {
    kube.resources(MobbSecret.class).inAnyNamespace().delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kube.resources(MobbSecret.class).inAnyNamespace().list().getItems().isEmpty());
  }

  private static Watch watch(KubernetesClient kube, String name, List<String> events) {
    return kube.secrets()
        .inNamespace(NS)
        .withName(name)
        .watch(
            kube.secrets().inNamespace(NS).withName(name).get().getMetadata().getResourceVersion(),
            new Watcher<Secret>() {
              @Override
              public void eventReceived(Action action, Secret resource) {
                events.add(action.name());
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private static Secret secret(KubernetesClient kube, String name) {
    return kube.secrets().inNamespace(NS).withName(name).get();
  }

  private static String decoded(Secret secret) {
    return SecretData.decoded(secret, DockerConfigJson.KEY).orElseThrow();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
