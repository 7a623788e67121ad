package io.ecrsecret.operator;

import static io.ecrsecret.testing.TestCluster.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.operator.api.PullSecretSpec;
import io.ecrsecret.operator.api.SecretReference;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator, in this JVM, against the real peers. */
@ExtendWith(SandboxExtension.class)
class OperatorIT {

  private static Sandbox sandbox;
  private static KubernetesClient kube;
  private static KubernetesClient operatorClient;
  private static EcrSecretOperator operator;
  private static String registry;

  @BeforeAll
  static void start(Sandbox theSandbox) throws Exception {
    sandbox = theSandbox;
    kube = sandbox.kubernetes().adminClient();
    registry = sandbox.registry().ecrHost();
    sandbox.aws().clearFaults();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    TestCluster.installCrds(kube, true);
    operatorClient = OperatorIdentity.client(sandbox.kubernetes());
    operator =
        OperatorFixture.start(
            sandbox,
            operatorClient,
            TestOperatorConfig.named("ecr-secret-operator")
                .identity("test-operator")
                .compat()
                // the registry answers on loopback, not at the ECR host (no DNS here)
                .registryEndpoint(registry, "http://" + sandbox.registry().address())
                .registryEndpoint(
                    io.ecrsecret.core.RegistryRef.PUBLIC_HOST,
                    "http://" + sandbox.registry().publicAddress())
                .build(),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    OperatorFixture.deleteAllResources(kube);
    operator.close();
    operatorClient.close();
    kube.close();
  }

  private static EcrPullSecret pullSecret(String ns, String name, String secretName) {
    var resource = new EcrPullSecret();
    resource.getMetadata().setName(name);
    resource.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName(secretName);
    resource.setSpec(spec);
    return resource;
  }

  private static Optional<Condition> ready(EcrPullSecret resource) {
    return resource == null || resource.getStatus() == null
        ? Optional.empty()
        : StatusBuilder.readyCondition(resource.getStatus());
  }

  private static EcrPullSecret awaitReady(String ns, String name, String status) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> kube.resources(EcrPullSecret.class).inNamespace(ns).withName(name).get(),
            r ->
                ready(r)
                    .map(
                        c ->
                            c.getStatus().equals(status)
                                && c.getObservedGeneration()
                                    .equals(r.getMetadata().getGeneration()))
                    .orElse(false));
  }

  private static Secret secret(String ns, String name) {
    return kube.secrets().inNamespace(ns).withName(name).get();
  }

  @Test
  void aNewResourceBecomesReadyWithASecretThatAuthenticatesAgainstTheRegistry() {
    namespace(kube, "op-ready", Map.of());
    kube.resource(pullSecret("op-ready", "pull", "ecr-pull")).create();

    EcrPullSecret ready = awaitReady("op-ready", "pull", "True");

    Secret secret = secret("op-ready", "ecr-pull");
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.OWNER, "EcrPullSecret/op-ready/pull");
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("EcrPullSecret");
              assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid());
            });
    var pulled =
        sandbox.registry().inspect(SecretData.decoded(secret, DockerConfigJson.KEY).orElseThrow());
    assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
    var status = ready.getStatus();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getTokenExpiresAt()).isNotNull();
    assertThat(status.getNextRefreshTime()).isNotNull();
    assertThat(status.getLastRefreshTime()).isNotNull();
    assertThat(ready(ready).orElseThrow().getReason()).isEqualTo("SecretReady");
    assertThat(
            kube.serviceAccounts()
                .inNamespace("op-ready")
                .withName("default")
                .get()
                .getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("ecr-pull");
  }

  @Test
  void aDeletedOrEditedSecretAndALostLinkAreRestoredWithinSeconds() {
    namespace(kube, "op-restore", Map.of());
    kube.resource(pullSecret("op-restore", "pull", "ecr-pull")).create();
    awaitReady("op-restore", "pull", "True");
    String good =
        SecretData.decoded(secret("op-restore", "ecr-pull"), DockerConfigJson.KEY).orElseThrow();

    kube.secrets().inNamespace("op-restore").withName("ecr-pull").delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> secret("op-restore", "ecr-pull") != null);

    String broken =
        DockerConfigJson.render(
            Map.of(
                registry,
                new io.ecrsecret.core.RegistryCredentials("AWS", "tampered", Optional.empty())));
    kube.secrets()
        .inNamespace("op-restore")
        .withName("ecr-pull")
        .edit(
            s -> new SecretBuilder(s).withData(Map.of(DockerConfigJson.KEY, b64(broken))).build());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                SecretData.decoded(secret("op-restore", "ecr-pull"), DockerConfigJson.KEY)
                    .orElseThrow(),
            good::equals);

    kube.serviceAccounts()
        .inNamespace("op-restore")
        .withName("default")
        .edit(sa -> new ServiceAccountBuilder(sa).withImagePullSecrets(List.of()).build());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                kube.serviceAccounts()
                    .inNamespace("op-restore")
                    .withName("default")
                    .get()
                    .getImagePullSecrets(),
            links -> links.stream().anyMatch(l -> "ecr-pull".equals(l.getName())));
  }

  @Test
  void awsDeniedKeepsTheOldSecretSaysWhyOnceAndRecovers() {
    namespace(kube, "op-denied", Map.of());
    var good =
        sandbox
            .aws()
            .createUser("op-good", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    var bad = sandbox.aws().createUser("op-bad", null);
    keysSecret("op-denied", "good-keys", good.accessKeyId(), good.secretAccessKey());
    keysSecret("op-denied", "bad-keys", bad.accessKeyId(), bad.secretAccessKey());
    var resource = pullSecret("op-denied", "pull", "ecr-pull");
    resource.getSpec().setAws(identity("good-keys"));
    kube.resource(resource).create();
    awaitReady("op-denied", "pull", "True");
    Secret before = secret("op-denied", "ecr-pull");

    kube.resources(EcrPullSecret.class)
        .inNamespace("op-denied")
        .withName("pull")
        .edit(
            r -> {
              r.getSpec().setAws(identity("bad-keys"));
              return r;
            });
    EcrPullSecret denied = awaitReady("op-denied", "pull", "False");

    Condition condition = ready(denied).orElseThrow();
    assertThat(condition.getReason()).isEqualTo("AccessDenied");
    assertThat(condition.getMessage()).contains("ecr:GetAuthorizationToken", "op-bad");
    assertThat(secret("op-denied", "ecr-pull").getData()).isEqualTo(before.getData());
    // retries back off (1s, 2s, 4s here); the Event is emitted once, not once per retry
    sleep(Duration.ofSeconds(5));
    assertThat(events("op-denied", "pull", "AccessDenied")).hasSize(1);
    assertThat(secret("op-denied", "ecr-pull").getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());

    kube.resources(EcrPullSecret.class)
        .inNamespace("op-denied")
        .withName("pull")
        .edit(
            r -> {
              r.getSpec().setAws(identity("good-keys"));
              return r;
            });
    awaitReady("op-denied", "pull", "True");
  }

  @Test
  void deletingAResourceRemovesItsSecretAndLinksAndNothingElse() {
    namespace(kube, "op-delete", Map.of());
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("not-ours")
                .withNamespace("op-delete")
                .endMetadata()
                .withStringData(Map.of("k", "v"))
                .build())
        .create();
    kube.serviceAccounts()
        .inNamespace("op-delete")
        .withName("default")
        .edit(
            sa ->
                new ServiceAccountBuilder(sa)
                    .withImagePullSecrets(new LocalObjectReference("someone-elses"))
                    .build());
    kube.resource(pullSecret("op-delete", "pull", "ecr-pull")).create();
    awaitReady("op-delete", "pull", "True");
    // a person links our secret to an account the resource does not name: that link is theirs
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("ci")
                .withNamespace("op-delete")
                .endMetadata()
                .withImagePullSecrets(new LocalObjectReference("ecr-pull"))
                .build())
        .create();

    kube.resources(EcrPullSecret.class).inNamespace("op-delete").withName("pull").delete();

    await().atMost(Duration.ofSeconds(15)).until(() -> secret("op-delete", "ecr-pull") == null);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                kube.resources(EcrPullSecret.class).inNamespace("op-delete").withName("pull").get()
                    == null);
    assertThat(secret("op-delete", "not-ours")).isNotNull();
    assertThat(
            kube.serviceAccounts()
                .inNamespace("op-delete")
                .withName("default")
                .get()
                .getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("someone-elses");
    assertThat(
            kube.serviceAccounts()
                .inNamespace("op-delete")
                .withName("ci")
                .get()
                .getImagePullSecrets())
        .as("a link the resource did not make is left")
        .extracting(LocalObjectReference::getName)
        .containsExactly("ecr-pull");
  }

  private static Optional<Condition> linked(String ns, String name) {
    var r = kube.resources(EcrPullSecret.class).inNamespace(ns).withName(name).get();
    return r == null || r.getStatus() == null
        ? Optional.empty()
        : StatusBuilder.condition(r.getStatus(), StatusBuilder.LINKED);
  }

  private static List<String> links(String ns, String account) {
    var sa = kube.serviceAccounts().inNamespace(ns).withName(account).get();
    return sa == null || sa.getImagePullSecrets() == null
        ? List.of()
        : sa.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
  }

  private static void serviceAccount(String ns, String name) {
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .build())
        .create();
  }

  /**
   * A service account that does not exist is not a broken secret: Ready stays True (the secret
   * holds a valid token), ServiceAccountsLinked says which account is awaited, and the link is made
   * when the account appears.
   */
  @Test
  void aMissingServiceAccountLeavesTheSecretReadyAndIsLinkedWhenItAppears() {
    namespace(kube, "op-awaited", Map.of());
    var resource = pullSecret("op-awaited", "pull", "ecr-pull");
    resource.getSpec().setServiceAccounts(List.of("default", "deployer"));
    kube.resource(resource).create();
    awaitReady("op-awaited", "pull", "True");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> linked("op-awaited", "pull"),
            c ->
                c.isPresent()
                    && c.get().getStatus().equals("False")
                    && c.get().getReason().equals("ServiceAccountMissing")
                    && c.get().getMessage().contains("op-awaited/deployer"));
    assertThat(links("op-awaited", "default")).contains("ecr-pull");
    assertThat(
            kube.v1().events().inNamespace("op-awaited").list().getItems().stream()
                .filter(e -> "ServiceAccountMissing".equals(e.getReason())))
        .as("one Event says which account is awaited")
        .hasSize(1);

    serviceAccount("op-awaited", "deployer");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> links("op-awaited", "deployer"), l -> l.contains("ecr-pull"));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> linked("op-awaited", "pull"),
            c -> c.isPresent() && c.get().getStatus().equals("True"));
    assertThat(ready(kube.resource(resource).get()).orElseThrow().getStatus()).isEqualTo("True");
  }

  /** {@code serviceAccounts: ["*"]}: every account of the namespace, ones made later included. */
  @Test
  void everyServiceAccountOfTheNamespaceIsLinkedNewOnesIncluded() {
    namespace(kube, "op-every", Map.of());
    serviceAccount("op-every", "ci");
    var resource = pullSecret("op-every", "pull", "ecr-pull");
    resource.getSpec().setServiceAccounts(List.of("*"));
    kube.resource(resource).create();
    awaitReady("op-every", "pull", "True");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                links("op-every", "default").contains("ecr-pull")
                    && links("op-every", "ci").contains("ecr-pull"));

    serviceAccount("op-every", "made-later");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> links("op-every", "made-later"), l -> l.contains("ecr-pull"));

    kube.resource(resource).delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> secret("op-every", "ecr-pull") == null);
    for (String account : List.of("default", "ci", "made-later")) {
      assertThat(links("op-every", account)).as(account).doesNotContain("ecr-pull");
    }
  }

  /**
   * {@code deletionPolicy: Retain}: deleting the resource leaves its secret, valid, with its links,
   * no longer managed and owned by nothing (the garbage collector leaves it too).
   */
  @Test
  void retainKeepsTheSecretAndItsLinksWhenTheResourceGoes() throws Exception {
    namespace(kube, "op-retain", Map.of());
    var resource = pullSecret("op-retain", "pull", "ecr-pull");
    resource.getSpec().setDeletionPolicy(PullSecretSpec.DeletionPolicy.RETAIN);
    kube.resource(resource).create();
    awaitReady("op-retain", "pull", "True");
    String uid = secret("op-retain", "ecr-pull").getMetadata().getUid();
    assertThat(secret("op-retain", "ecr-pull").getMetadata().getOwnerReferences())
        .as("nothing for the garbage collector to follow")
        .isNullOrEmpty();

    kube.resource(resource).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                kube.resources(EcrPullSecret.class).inNamespace("op-retain").withName("pull").get()
                    == null);
    // a garbage collector that would delete it has its chance: the secret stays throughout
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> secret("op-retain", "ecr-pull") != null);
    Secret kept = secret("op-retain", "ecr-pull");
    assertThat(kept).isNotNull();
    assertThat(kept.getMetadata().getUid()).isEqualTo(uid);
    assertThat(ManagedMarkers.isManaged(kept)).isFalse();
    assertThat(kept.getMetadata().getAnnotations()).doesNotContainKey(ManagedMarkers.OWNER);
    assertThat(links("op-retain", "default")).contains("ecr-pull");
    assertThat(
            sandbox
                .registry()
                .inspect(SecretData.decoded(kept, DockerConfigJson.KEY).orElseThrow())
                .succeeded())
        .isTrue();
  }

  /** {@code format: argocd-helm-creds}: one Argo CD credential template for a URL prefix. */
  @Test
  void anArgoCdCredentialTemplateCoversEveryChartUnderItsPrefix() {
    namespace(kube, "op-argo-creds", Map.of());
    var resource = pullSecret("op-argo-creds", "charts", "ecr-charts");
    resource.getSpec().setFormat(PullSecretSpec.Format.ARGOCD_HELM_CREDS);
    resource.getSpec().setArgocdUrl(registry + "/charts");
    resource.getSpec().setServiceAccounts(List.of());
    kube.resource(resource).create();
    awaitReady("op-argo-creds", "charts", "True");
    Secret creds = secret("op-argo-creds", "ecr-charts");
    assertThat(creds.getType()).isEqualTo("Opaque");
    assertThat(creds.getMetadata().getLabels())
        .containsEntry("argocd.argoproj.io/secret-type", "repo-creds");
    var data = decodeAll(creds);
    assertThat(data)
        .containsEntry("url", registry + "/charts")
        .containsEntry("type", "helm")
        .containsEntry("enableOCI", "true")
        .containsEntry("username", "AWS")
        .doesNotContainKey("name");
    assertThat(data.get("password")).isNotBlank();
  }

  @Test
  void aTenantCannotBorrowAnotherTenantsIdentity() {
    namespace(kube, "tenant-a", Map.of());
    namespace(kube, "tenant-b", Map.of());
    var keys =
        sandbox
            .aws()
            .createUser(
                "tenant-a-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    keysSecret("tenant-a", "a-keys", keys.accessKeyId(), keys.secretAccessKey());

    // the schema refuses a credentials Secret in another namespace
    var borrow = pullSecret("tenant-b", "borrow", "ecr-pull");
    var identity = identity("a-keys");
    identity.getCredentialsSecret().setNamespace("tenant-a");
    borrow.getSpec().setAws(identity);
    assertThatThrownBy(() -> kube.resource(borrow).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains("its own namespace");
            });

    // a role nobody allowed for tenant-b is refused, and nothing is written
    String roleArn =
        sandbox
            .aws()
            .createRole(
                "tenant-a-role",
                AwsPeer.adminArn(),
                null,
                AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    var role = pullSecret("tenant-b", "role", "ecr-pull");
    var roleIdentity = new AwsIdentitySpec();
    roleIdentity.setRoleArn(roleArn);
    role.getSpec().setAws(roleIdentity);
    kube.resource(role).create();
    EcrPullSecret refused = awaitReady("tenant-b", "role", "False");
    assertThat(ready(refused).orElseThrow().getReason()).isEqualTo("IdentityNotAllowed");
    assertThat(ready(refused).orElseThrow().getMessage()).contains("allowed-role-arns");
    assertThat(secret("tenant-b", "ecr-pull")).isNull();

    // once a cluster administrator allows that role for tenant-b's namespace, it works
    kube.namespaces()
        .withName("tenant-b")
        .edit(
            ns -> {
              ns.getMetadata()
                  .setAnnotations(
                      Map.of(
                          IdentityResolver.ALLOWED_ROLES_ANNOTATION,
                          "arn:aws:iam::*:role/tenant-a-*"));
              return ns;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ready(
                        kube.resources(EcrPullSecret.class)
                            .inNamespace("tenant-b")
                            .withName("role")
                            .get())
                    .map(c -> c.getStatus().equals("True"))
                    .orElse(false));

    // the glob's '*' does not cross '/': a role under a path the platform team did not mean stays
    // refused although its name starts with the allowed prefix
    String sneaky =
        sandbox
            .aws()
            .createRole(
                "tenant-a-/platform-admin",
                AwsPeer.adminArn(),
                null,
                AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    var sneakyResource = pullSecret("tenant-b", "sneaky", "sneaky-pull");
    var sneakyIdentity = new AwsIdentitySpec();
    sneakyIdentity.setRoleArn(sneaky);
    sneakyResource.getSpec().setAws(sneakyIdentity);
    kube.resource(sneakyResource).create();
    EcrPullSecret sneakyRefused = awaitReady("tenant-b", "sneaky", "False");
    assertThat(ready(sneakyRefused).orElseThrow().getReason()).isEqualTo("IdentityNotAllowed");
    assertThat(secret("tenant-b", "sneaky-pull")).isNull();
  }

  @Test
  void aSecretKeyThatCollidesAsAJavaHashGetsNoTokenFromAnotherTenantsIdentity() {
    namespace(kube, "hash-a", Map.of());
    namespace(kube, "hash-b", Map.of());
    var keys =
        sandbox
            .aws()
            .createUser("hash-a-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    keysSecret("hash-a", "keys", keys.accessKeyId(), keys.secretAccessKey());
    var owner = pullSecret("hash-a", "pull", "hash-pull");
    owner.getSpec().setAws(identity("keys"));
    kube.resource(owner).create();
    awaitReady("hash-a", "pull", "True");

    // the same access key id, and a secret key that differs yet has the same String.hashCode
    String colliding = hashTwin(keys.secretAccessKey());
    assertThat(colliding.hashCode()).isEqualTo(keys.secretAccessKey().hashCode());
    assertThat(colliding).isNotEqualTo(keys.secretAccessKey());
    keysSecret("hash-b", "keys", keys.accessKeyId(), colliding);
    var borrower = pullSecret("hash-b", "pull", "hash-pull");
    borrower.getSpec().setAws(identity("keys"));
    kube.resource(borrower).create();

    EcrPullSecret refused = awaitReady("hash-b", "pull", "False");
    assertThat(ready(refused).orElseThrow().getReason()).isEqualTo("InvalidCredentials");
    assertThat(secret("hash-b", "hash-pull")).isNull();
  }

  @Test
  void theClusterKindFansOutToFiftyNamespacesWithOneTokenRequestAndCoversNewOnes() {
    for (int i = 0; i < 50; i++) {
      namespace(kube, "fan-out-" + i, Map.of("ecr-fan-out", "yes"));
    }
    var keys =
        sandbox
            .aws()
            .createUser("fan-out-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    namespace(kube, "ecr-admin", Map.of());
    keysSecret("ecr-admin", "fan-out-keys", keys.accessKeyId(), keys.secretAccessKey());
    var resource = new ClusterEcrPullSecret();
    resource.getMetadata().setName("fan-out");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName("fanned");
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("ecr-fan-out", "yes").build());
    spec.setNamespaces(selector);
    var identity = identity("fan-out-keys");
    identity.getCredentialsSecret().setNamespace("ecr-admin");
    spec.setAws(identity);
    resource.setSpec(spec);

    kube.resource(resource).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> kube.resources(ClusterEcrPullSecret.class).withName("fan-out").get(),
            r ->
                r.getStatus() != null
                    && Integer.valueOf(50).equals(r.getStatus().getNamespacesReady()));
    for (int i = 0; i < 50; i++) {
      assertThat(secret("fan-out-" + i, "fanned")).isNotNull();
    }
    assertThat(sandbox.aws().requestCountByAccessKey(keys.accessKeyId())).isEqualTo(1);

    namespace(kube, "fan-out-late", Map.of("ecr-fan-out", "yes"));
    await().atMost(Duration.ofSeconds(10)).until(() -> secret("fan-out-late", "fanned") != null);
    assertThat(sandbox.aws().requestCountByAccessKey(keys.accessKeyId())).isEqualTo(1);
  }

  @Test
  void aHostileKeyIdForgesNoLogLineAndMakesNoHugeStatus() {
    namespace(kube, "op-forge", Map.of());
    keysSecret(
        "op-forge",
        "forged-keys",
        "AKIA\r\nX-Evil: 1\n" + "A".repeat(100_000),
        "made-up-secret-key");
    var resource = pullSecret("op-forge", "pull", "forged-pull");
    resource.getSpec().setAws(identity("forged-keys"));
    kube.resource(resource).create();

    EcrPullSecret failed = awaitReady("op-forge", "pull", "False");
    String message = ready(failed).orElseThrow().getMessage();
    assertThat(message).doesNotContain("\r", "\n", "Signature=", "Credential=");
    assertThat(message.length()).isLessThanOrEqualTo(1027);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> !events("op-forge", "pull", ready(failed).orElseThrow().getReason()).isEmpty());
    for (Event e : events("op-forge", "pull", ready(failed).orElseThrow().getReason())) {
      assertThat(e.getMessage()).doesNotContain("\n", "Signature=").hasSizeLessThan(1100);
    }
    assertThat(secret("op-forge", "forged-pull")).isNull();
  }

  @Test
  void badFrequenciesAreInvalidSpecsInStatusWithOneEventAndNoSecret() {
    namespace(kube, "op-bad-spec", Map.of());
    var frequencies = List.of("abc", "10 hours", "9999999999999999h");
    for (int i = 0; i < frequencies.size(); i++) {
      var r = new io.ecrsecret.operator.compat.MobbSecret();
      r.getMetadata().setName("bad-" + i);
      r.getMetadata().setNamespace("op-bad-spec");
      var spec = new io.ecrsecret.operator.compat.MobbSecret.Spec();
      spec.setGeneratedSecretName("bad-" + i);
      spec.setEcrRegistry(registry);
      spec.setRegion("us-east-1");
      spec.setFrequency(frequencies.get(i));
      r.setSpec(spec);
      try {
        kube.resource(r).create();
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as("refused by the schema").isEqualTo(422);
        continue;
      }
      String name = "bad-" + i;
      var failed =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      kube.resources(io.ecrsecret.operator.compat.MobbSecret.class)
                          .inNamespace("op-bad-spec")
                          .withName(name)
                          .get(),
                  m ->
                      m.getStatus() != null
                          && m.getMetadata()
                              .getGeneration()
                              .equals(m.getStatus().getObservedGeneration())
                          && StatusBuilder.readyCondition(m.getStatus())
                              .map(c -> c.getReason().equals("InvalidSpec"))
                              .orElse(false));
      assertThat(StatusBuilder.readyCondition(failed.getStatus()).orElseThrow().getMessage())
          .startsWith("spec.frequency: ");
      assertThat(secret("op-bad-spec", name)).as("nothing written for a bad spec").isNull();
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> events("op-bad-spec", name, "InvalidSpec").size() == 1);
      assertThat(events("op-bad-spec", name, "SecretReady")).isEmpty();
    }
  }

  @Test
  void adoptNeverTakesASecretAnotherOwnerOfOursKeeps() {
    namespace(kube, "op-steal", Map.of());
    kube.resource(pullSecret("op-steal", "first", "shared-pull")).create();
    awaitReady("op-steal", "first", "True");
    Secret before = secret("op-steal", "shared-pull");

    var thief = pullSecret("op-steal", "second", "shared-pull");
    thief.getSpec().setAdopt(true);
    kube.resource(thief).create();
    EcrPullSecret refused = awaitReady("op-steal", "second", "False");

    assertThat(ready(refused).orElseThrow().getReason()).isEqualTo("SecretOwnedElsewhere");
    Secret after = secret("op-steal", "shared-pull");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.OWNER, "EcrPullSecret/op-steal/first");
    assertThat(after.getMetadata().getOwnerReferences())
        .extracting(o -> o.getName())
        .containsExactly("first");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());

    kube.resource(thief).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                kube.resources(EcrPullSecret.class).inNamespace("op-steal").withName("second").get()
                    == null);
    assertThat(secret("op-steal", "shared-pull")).as("the first owner's secret stays").isNotNull();
  }

  @Test
  void anAdoptedSecretIsGivenBackExactlyAsItWasWhenTheResourceGoes() {
    namespace(kube, "op-give-back", Map.of());
    String original =
        "{\"auths\":{\""
            + registry
            + "\":{\"auth\":\"c3RhbGU6c3RhbGU=\"},\"quay.io\":{\"auth\":\"cXVheTpxdWF5\"}}}";
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("existing-pull")
                .withNamespace("op-give-back")
                .withLabels(Map.of("team", "a"))
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withStringData(Map.of(DockerConfigJson.KEY, original))
                .build())
        .create();
    Secret before = secret("op-give-back", "existing-pull");
    var adopter = pullSecret("op-give-back", "adopter", "existing-pull");
    adopter.getSpec().setAdopt(true);
    adopter.getSpec().setServiceAccounts(List.of());
    kube.resource(adopter).create();
    awaitReady("op-give-back", "adopter", "True");
    assertThat(SecretData.decoded(secret("op-give-back", "existing-pull"), DockerConfigJson.KEY))
        .get()
        .asString()
        .contains("quay.io")
        .doesNotContain("c3RhbGU6c3RhbGU=");

    kube.resource(adopter).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                kube.resources(EcrPullSecret.class)
                        .inNamespace("op-give-back")
                        .withName("adopter")
                        .get()
                    == null);
    Secret after = secret("op-give-back", "existing-pull");
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(after.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void aBadSelectorKeyOrAnOverlongSessionIsAnInvalidSpecNamingTheField() {
    var badSelector = new ClusterEcrPullSecret();
    badSelector.getMetadata().setName("bad-selector");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName("bad-selector-pull");
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("bad key!!", "x").build());
    spec.setNamespaces(selector);
    badSelector.setSpec(spec);

    var badSession = new ClusterEcrPullSecret();
    badSession.getMetadata().setName("bad-session");
    var spec2 = new ClusterPullSecretSpec();
    spec2.setRegistries(List.of(registry));
    spec2.setSecretName("bad-session-pull");
    var selector2 = new NamespaceSelectorSpec();
    selector2.setNames(List.of("op-bad-session"));
    spec2.setNamespaces(selector2);
    var aws = new AwsIdentitySpec();
    aws.setRoleArn("arn:aws:iam::123456789012:role/any");
    aws.setSessionDuration("9999999999999999h");
    spec2.setAws(aws);
    badSession.setSpec(spec2);
    namespace(kube, "op-bad-session", Map.of());

    for (var resource : List.of(badSelector, badSession)) {
      try {
        kube.resource(resource).create();
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as("refused by the schema").isEqualTo(422);
        continue;
      }
      String name = resource.getMetadata().getName();
      try {
        var failed =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(
                    () -> kube.resources(ClusterEcrPullSecret.class).withName(name).get(),
                    r ->
                        r.getStatus() != null
                            && r.getMetadata()
                                .getGeneration()
                                .equals(r.getStatus().getObservedGeneration())
                            && StatusBuilder.readyCondition(r.getStatus())
                                .map(c -> c.getReason().equals("InvalidSpec"))
                                .orElse(false));
        assertThat(StatusBuilder.readyCondition(failed.getStatus()).orElseThrow().getMessage())
            .containsAnyOf("label selector", "spec.aws.sessionDuration");
      } finally {
        kube.resources(ClusterEcrPullSecret.class).withName(name).delete();
      }
    }
  }

  @Test
  void aTokenThatArrivesExpiredIsNeverReady() {
    namespace(kube, "op-expired", Map.of());
    var keys =
        sandbox
            .aws()
            .createUser("expired-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    keysSecret("op-expired", "keys", keys.accessKeyId(), keys.secretAccessKey());
    var resource = pullSecret("op-expired", "pull", "expired-pull");
    resource.getSpec().setAws(identity("keys"));
    sandbox.aws().tokenExpiresAt(java.time.Instant.parse("2015-01-01T00:00:00Z"));
    try {
      kube.resource(resource).create();
      EcrPullSecret failed = awaitReady("op-expired", "pull", "False");
      assertThat(ready(failed).orElseThrow().getReason()).isEqualTo("TokenExpired");
      assertThat(ready(failed).orElseThrow().getMessage()).contains("2015-01-01T00:00:00Z");
      assertThat(secret("op-expired", "expired-pull"))
          .as("an expired token is not written")
          .isNull();
    } finally {
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    }
  }

  @Test
  void aSelectorThatMatchesEverythingLeavesKubernetesOwnNamespacesAloneUnlessNamed() {
    namespace(kube, "everything-a", Map.of());
    var resource = new ClusterEcrPullSecret();
    resource.getMetadata().setName("everything");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName("everything-pull");
    spec.setServiceAccounts(List.of());
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().build()); // matches every namespace
    selector.setNames(List.of("kube-public"));
    spec.setNamespaces(selector);
    resource.setSpec(spec);
    kube.resource(resource).create();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  secret("everything-a", "everything-pull") != null
                      && secret("kube-public", "everything-pull") != null);
      assertThat(secret("kube-system", "everything-pull")).as("kube-system, not named").isNull();
      assertThat(secret("kube-node-lease", "everything-pull")).isNull();
    } finally {
      kube.resource(resource).delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> secret("everything-a", "everything-pull") == null);
    }
  }

  @Test
  void anRhMobbManifestAppliedUnchangedYieldsTheSecretThatOperatorMade() throws Exception {
    namespace(kube, "test-ecr-secret-operator", Map.of());
    String manifest =
        """
        apiVersion: ecr.mobb.redhat.com/v1alpha1
        kind: Secret
        metadata:
          name: ecr-secret
          namespace: test-ecr-secret-operator
        spec:
          generated_secret_name: ecr-docker-secret
          ecr_registry: %s
          frequency: 10h
          region: us-east-1
        ---
        apiVersion: ecr.mobb.redhat.com/v1alpha1
        kind: ArgoHelmRepoSecret
        metadata:
          name: helm-repo
          namespace: test-ecr-secret-operator
        spec:
          generated_secret_name: ecr-argo-helm-secret
          url: %s
          frequency: 10h
          region: us-east-1
        """
            .formatted(registry, registry);
    for (var item :
        kube.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8))).items()) {
      kube.resource(item).create();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> secret("test-ecr-secret-operator", "ecr-docker-secret") != null);
    Secret docker = secret("test-ecr-secret-operator", "ecr-docker-secret");
    assertThat(docker.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(docker.getData()).containsOnlyKeys(DockerConfigJson.KEY);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String dockerConfig = SecretData.decoded(docker, DockerConfigJson.KEY).orElseThrow();
    // each token has a password of its own (as ECR's do); the registry accepts this one
    String password =
        json.readTree(dockerConfig).path("auths").path(registry).path("password").asText();
    assertThat(password).isNotEmpty();
    assertThat(sandbox.registry().inspect(dockerConfig).succeeded()).isTrue();
    assertThat(json.readTree(dockerConfig))
        .isEqualTo(
            json.readTree(
                "{\"auths\":{\""
                    + registry
                    + "\":{\"username\":\"AWS\",\"password\":\""
                    + password
                    + "\",\"auth\":\""
                    + b64("AWS:" + password)
                    + "\"}}}"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> secret("test-ecr-secret-operator", "ecr-argo-helm-secret") != null);
    Secret argo = secret("test-ecr-secret-operator", "ecr-argo-helm-secret");
    assertThat(argo.getType()).isEqualTo("Opaque");
    assertThat(argo.getMetadata().getLabels())
        .containsEntry("argocd.argoproj.io/secret-type", "repository");
    assertThat(decodeAll(argo))
        .isEqualTo(
            Map.of(
                "username", "AWS",
                "password", password,
                "url", registry,
                "type", "helm",
                "name", "ecr-argo-helm-secret",
                "enableOCI", "true"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kube.resources(io.ecrsecret.operator.compat.MobbSecret.class)
                    .inNamespace("test-ecr-secret-operator")
                    .withName("ecr-secret")
                    .get(),
            r ->
                r.getStatus() != null
                    && "Updated".equals(r.getStatus().getPhase())
                    && r.getStatus().getLastUpdatedTime() != null);
  }

  @Test
  void theSchemaRejectsAMalformedRegistryAndABadDurationWithAClearMessage() {
    namespace(kube, "op-schema", Map.of());
    var bad = pullSecret("op-schema", "bad", "ecr-pull");
    bad.getSpec().setRegistries(List.of("docker.io/library/nginx"));
    bad.getSpec().setRefreshMargin("ten hours");
    assertThatThrownBy(() -> kube.resource(bad).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage())
                  .contains("spec.registries[0]", "docker.io/library/nginx", "spec.refreshMargin");
            });
    var tooLong = pullSecret("op-schema", "too-long", "ecr-pull");
    tooLong.getSpec().setRefreshMargin("13h");
    assertThatThrownBy(() -> kube.resource(tooLong).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getMessage()).contains("between 1m and 11h"));
  }

  @Test
  void metricsAndHealthAreServed() throws Exception {
    namespace(kube, "op-metrics", Map.of());
    kube.resource(pullSecret("op-metrics", "pull", "ecr-pull")).create();
    awaitReady("op-metrics", "pull", "True");
    var http = java.net.http.HttpClient.newHttpClient();
    var metrics =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + operator.metricsPort() + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "ecr_secret_token_expiry_seconds{namespace=\"op-metrics\",secret=\"ecr-pull\"}",
            "ecr_secret_refreshes_total{kind=\"EcrPullSecret\",result=\"created\"}",
            "ecr_secret_aws_token_requests_total",
            "ecr_secret_reconcile_seconds_count{kind=\"EcrPullSecret\"}");
    for (String path : List.of("/healthz", "/readyz")) {
      var health =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + operator.healthPort() + path))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void theTokenRequestCounterCountsWhatTheAwsPeerCounted() throws Exception {
    namespace(kube, "op-counter", Map.of());
    var keys =
        sandbox
            .aws()
            .createUser("counter-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    keysSecret("op-counter", "keys", keys.accessKeyId(), keys.secretAccessKey());
    double before = tokenRequestsMetric();
    var resource = pullSecret("op-counter", "pull", "counter-pull");
    resource.getSpec().setAws(identity("keys"));
    kube.resource(resource).create();
    awaitReady("op-counter", "pull", "True");
    int seenByAws = sandbox.aws().requestCountByAccessKey(keys.accessKeyId());
    assertThat(seenByAws).isPositive();
    // the counter once lived on an object Micrometer holds only weakly: after a GC it read 0
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(tokenRequestsMetric() - before)
        .as("ecr_secret_aws_token_requests_total counts at least what AWS saw from these keys")
        .isGreaterThanOrEqualTo(seenByAws);
  }

  private double tokenRequestsMetric() throws Exception {
    var body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + operator.metricsPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith("ecr_secret_aws_token_requests_total "))
        .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ecr_secret_aws_token_requests_total in " + body));
  }

  /**
   * Another string with the same String.hashCode: one character up by one and the next down by 31
   * leaves the hash as it was; the first pair that stays printable is used.
   */
  private static String hashTwin(String s) {
    for (int i = 0; i + 1 < s.length(); i++) {
      char up = (char) (s.charAt(i) + 1);
      char down = (char) (s.charAt(i + 1) - 31);
      if (up > ' ' && up < 127 && down > ' ' && down < 127) {
        return s.substring(0, i) + up + down + s.substring(i + 2);
      }
    }
    throw new IllegalStateException("no printable twin");
  }

  private static AwsIdentitySpec identity(String keysSecret) {
    var identity = new AwsIdentitySpec();
    var ref = new SecretReference();
    ref.setName(keysSecret);
    identity.setCredentialsSecret(ref);
    return identity;
  }

  private static void keysSecret(String ns, String name, String id, String key) {
    kube.resource(TestCluster.awsKeys(ns, name, id, key)).create();
  }

  /**
   * spec.verify proves a pull: the image in the registry is found with the secret; one that is not
   * there says so in its own condition, an Event, and leaves Ready and the secret as they are.
   */
  @Test
  void aPullIsProvenWhereAskedAndAMissingImageIsSaidWithoutFailingTheSecret() {
    namespace(kube, "op-verify", Map.of());
    var there = pullSecret("op-verify", "there", "there-pull");
    there.getSpec().setVerify(verify(io.ecrsecret.sandbox.RegistryPeer.IMAGE));
    var missing = pullSecret("op-verify", "missing", "missing-pull");
    missing.getSpec().setVerify(verify("sandbox/not-pushed:1.0"));
    kube.resource(there).create();
    kube.resource(missing).create();

    Condition found = awaitCondition("op-verify", "there", "PullVerified");
    assertThat(found.getStatus()).isEqualTo("True");
    assertThat(found.getReason()).isEqualTo("ImagePullable");
    assertThat(found.getMessage()).contains("sandbox/hello:latest", "HTTP 200", "digest sha256:");

    Condition absent = awaitCondition("op-verify", "missing", "PullVerified");
    assertThat(absent.getStatus()).isEqualTo("False");
    assertThat(absent.getReason()).isEqualTo("ImageNotFound");
    assertThat(absent.getMessage()).contains("sandbox/not-pushed:1.0", "HTTP 404");
    assertThat(ready(awaitReady("op-verify", "missing", "True")).orElseThrow().getReason())
        .isEqualTo("SecretReady");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("op-verify", "missing", "ImageNotFound").size() == 1);

    // no longer asked: the condition goes
    var edited =
        kube.resources(EcrPullSecret.class).inNamespace("op-verify").withName("there").get();
    edited.getSpec().setVerify(null);
    kube.resource(edited).update();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                StatusBuilder.condition(
                        kube.resources(EcrPullSecret.class)
                            .inNamespace("op-verify")
                            .withName("there")
                            .get()
                            .getStatus(),
                        "PullVerified")
                    .isEmpty());
  }

  /**
   * ECR Public beside a private registry: one entry each, from tokens of their own, and a pull from
   * {@code public.ecr.aws} proven with the public entry.
   */
  @Test
  void ecrPublicIsServedBesideAPrivateRegistryWithItsOwnToken() {
    namespace(kube, "op-public", Map.of());
    String publicHost = io.ecrsecret.core.RegistryRef.PUBLIC_HOST;
    var resource = pullSecret("op-public", "both", "both-pull");
    resource.getSpec().setRegistries(List.of(registry, publicHost));
    resource
        .getSpec()
        .setVerify(verify(publicHost + "/" + io.ecrsecret.sandbox.RegistryPeer.IMAGE));
    kube.resource(resource).create();

    awaitReady("op-public", "both", "True");
    Condition pulled = awaitCondition("op-public", "both", "PullVerified");
    assertThat(pulled.getStatus()).as(pulled.getMessage()).isEqualTo("True");
    assertThat(pulled.getMessage()).contains("public.ecr.aws/sandbox/hello:latest", "HTTP 200");
    String config =
        io.ecrsecret.kube.SecretData.decoded(
                secret("op-public", "both-pull"), io.ecrsecret.core.DockerConfigJson.KEY)
            .orElseThrow();
    assertThat(io.ecrsecret.core.DockerConfigJson.parse(config))
        .containsOnlyKeys(registry, publicHost);
    assertThat(sandbox.registry().inspectPublic(config).succeeded()).isTrue();
    assertThat(sandbox.registry().inspect(config).succeeded()).isTrue();
  }

  private static io.ecrsecret.operator.api.VerifySpec verify(String image) {
    var verify = new io.ecrsecret.operator.api.VerifySpec();
    verify.setImage(image);
    return verify;
  }

  private static Condition awaitCondition(String ns, String name, String type) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var r = kube.resources(EcrPullSecret.class).inNamespace(ns).withName(name).get();
              return r == null
                  ? Optional.<Condition>empty()
                  : StatusBuilder.condition(r.getStatus(), type);
            },
            Optional::isPresent)
        .orElseThrow();
  }

  private static List<Event> events(String ns, String name, String reason) {
    return kube.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }

  private static Map<String, String> decodeAll(Secret secret) {
    var out = new java.util.TreeMap<String, String>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
