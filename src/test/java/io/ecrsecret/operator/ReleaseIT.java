package io.ecrsecret.operator;

import static io.ecrsecret.testing.TestCluster.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Never touch data that is not ours, shown on the real API server by comparing a secret and a
 * service account before and after, byte for byte: adoption and release (Delete and Retain) give
 * back what others set (a Helm label, an annotation, a link that was there), a secret others put
 * entries into is never deleted, and rh-mobb's kinds take over only what rh-mobb's operator made.
 */
@ExtendWith(SandboxExtension.class)
class ReleaseIT {

  private static KubernetesClient kube;
  private static OperatorIdentity.Running operator;
  private static String registry;

  @BeforeAll
  static void start(Sandbox sandbox) throws Exception {
    kube = sandbox.kubernetes().adminClient();
    registry = sandbox.registry().ecrHost();
    sandbox.aws().clearFaults();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    TestCluster.installCrds(kube, true);
    operator = OperatorIdentity.start(sandbox.kubernetes(), OperatorFixture.testConfig());
  }

  @AfterAll
  static void stop() {
    OperatorFixture.deleteAllResources(kube);
    operator.close();
    kube.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static final String HUB =
      "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("me:hub-token") + "\"}}}";

  /** A Helm-made Docker Hub pull secret with a note, linked by the namespace's {@code app}. */
  private static Secret helmSecret(String ns, String name) {
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("app")
                .withNamespace(ns)
                .endMetadata()
                .withImagePullSecrets(new LocalObjectReference(name))
                .build())
        .create();
    return kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/managed-by",
                        "Helm",
                        "app.kubernetes.io/instance",
                        "web"))
                .withAnnotations(Map.of("meta.helm.sh/release-name", "web"))
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(DockerConfigJson.KEY, b64(HUB)))
                .build())
        .create();
  }

  private static EcrPullSecret adopter(String ns, String secretName, DeletionPolicy policy) {
    var resource = new EcrPullSecret();
    resource.getMetadata().setName("adopter");
    resource.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName(secretName);
    spec.setAdopt(true);
    spec.setServiceAccounts(List.of("app", "default"));
    spec.setDeletionPolicy(policy);
    resource.setSpec(spec);
    return resource;
  }

  private static String ready(CustomResource<?, ? extends PullSecretStatus> resource) {
    return resource == null || resource.getStatus() == null
        ? ""
        : StatusBuilder.readyCondition(resource.getStatus())
            .map(c -> c.getStatus() + "/" + c.getReason())
            .orElse("");
  }

  private static <T extends CustomResource<?, ? extends PullSecretStatus>> void awaitReady(
      Class<T> kind, String ns, String name, String statusAndReason) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> ready(kube.resources(kind).inNamespace(ns).withName(name).get()),
            statusAndReason::equals);
  }

  private static <T extends CustomResource<?, ?>> void deleteAndAwaitGone(T resource) {
    kube.resource(resource).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.resource(resource).get() == null);
  }

  private static Secret secret(String ns, String name) {
    return kube.secrets().inNamespace(ns).withName(name).get();
  }

  private static ServiceAccount account(String ns, String name) {
    return kube.serviceAccounts().inNamespace(ns).withName(name).get();
  }

  private static List<LocalObjectReference> links(String ns, String account) {
    var links = account(ns, account).getImagePullSecrets();
    return links == null ? List.of() : links;
  }

  @Test
  void anAdoptedHelmSecretIsGivenBackWithItsLabelsAnnotationsAndLinks() {
    String ns = "release-helm";
    namespace(kube, ns, Map.of());
    Secret before = helmSecret(ns, "hub");
    var defaultLinksBefore = links(ns, "default");
    var adopter = adopter(ns, "hub", DeletionPolicy.DELETE);
    kube.resource(adopter).create();
    awaitReady(EcrPullSecret.class, ns, "adopter", "True/SecretReady");
    assertThat(SecretData.decoded(secret(ns, "hub"), DockerConfigJson.KEY))
        .get()
        .asString()
        .contains(registry, "index.docker.io");
    assertThat(links(ns, "default")).extracting(LocalObjectReference::getName).contains("hub");

    deleteAndAwaitGone(adopter);
    Secret after = secret(ns, "hub");
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getType()).isEqualTo(before.getType());
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(after.getMetadata().getAnnotations())
        .isEqualTo(before.getMetadata().getAnnotations());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(links(ns, "app"))
        .as("the link that was there before the adoption stays")
        .extracting(LocalObjectReference::getName)
        .containsExactly("hub");
    assertThat(links(ns, "default")).as("the link we added goes").isEqualTo(defaultLinksBefore);
  }

  @Test
  void aRetainReleaseKeepsTheSecretValidAndGivesBackTheHelmLabel() {
    String ns = "release-retain";
    namespace(kube, ns, Map.of());
    Secret before = helmSecret(ns, "hub");
    var adopter = adopter(ns, "hub", DeletionPolicy.RETAIN);
    kube.resource(adopter).create();
    awaitReady(EcrPullSecret.class, ns, "adopter", "True/SecretReady");
    deleteAndAwaitGone(adopter);
    Secret after = secret(ns, "hub");
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(after.getMetadata().getAnnotations())
        .isEqualTo(before.getMetadata().getAnnotations());
    assertThat(SecretData.decoded(after, DockerConfigJson.KEY))
        .as("retained: our entry stays, valid, beside theirs")
        .get()
        .asString()
        .contains(registry, "index.docker.io");
    assertThat(after.getData()).doesNotContainKey("ecr-secret-operator.adopted-from");
    assertThat(links(ns, "app")).extracting(LocalObjectReference::getName).containsExactly("hub");
  }

  @Test
  void aSecretOthersPutEntriesIntoIsNeverDeletedOnlyOurEntryLeaves() {
    String ns = "release-merged";
    namespace(kube, ns, Map.of());
    var resource = new EcrPullSecret();
    resource.getMetadata().setName("made");
    resource.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName("made-pull");
    resource.setSpec(spec);
    kube.resource(resource).create();
    awaitReady(EcrPullSecret.class, ns, "made", "True/SecretReady");
    // someone adds their Docker Hub entry to the secret we made
    Secret made = secret(ns, "made-pull");
    String ours = SecretData.decoded(made, DockerConfigJson.KEY).orElseThrow();
    String merged =
        ours.replaceFirst(
            "^\\{\"auths\":\\{",
            "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("me:hub") + "\"},");
    String theirs =
        kube.resource(
                new SecretBuilder(made).withData(Map.of(DockerConfigJson.KEY, b64(merged))).build())
            .update()
            .getMetadata()
            .getResourceVersion();
    // the operator sees the change and writes its markers again, keeping their entry
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !secret(ns, "made-pull").getMetadata().getResourceVersion().equals(theirs));
    assertThat(SecretData.decoded(secret(ns, "made-pull"), DockerConfigJson.KEY))
        .get()
        .asString()
        .contains("index.docker.io", registry);
    deleteAndAwaitGone(resource);
    Secret after = secret(ns, "made-pull");
    assertThat(after).as("a secret holding others' entries is never deleted").isNotNull();
    String left = SecretData.decoded(after, DockerConfigJson.KEY).orElseThrow();
    assertThat(left).contains("index.docker.io", b64("me:hub")).doesNotContain(registry);
    assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(after.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void rhMobbKindsNeverTakeOverSecretsRhMobbsOperatorDidNotMake() {
    String ns = "release-compat";
    namespace(kube, ns, Map.of());
    Secret hub =
        kube.resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("hub")
                    .withNamespace(ns)
                    .endMetadata()
                    .withType("kubernetes.io/dockerconfigjson")
                    .withData(Map.of(DockerConfigJson.KEY, b64(HUB)))
                    .build())
            .create();
    Secret database =
        kube.resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("database")
                    .withNamespace(ns)
                    .endMetadata()
                    .withStringData(Map.of("username", "dbadmin", "password", "not-an-ecr-token"))
                    .build())
            .create();
    var mobb = new MobbSecret();
    mobb.getMetadata().setName("over-hub");
    mobb.getMetadata().setNamespace(ns);
    var mobbSpec = new MobbSecret.Spec();
    mobbSpec.setGeneratedSecretName("hub");
    mobbSpec.setEcrRegistry(registry);
    mobbSpec.setDeletionPolicy(DeletionPolicy.DELETE);
    mobb.setSpec(mobbSpec);
    kube.resource(mobb).create();
    var argo = new ArgoHelmRepoSecret();
    argo.getMetadata().setName("over-database");
    argo.getMetadata().setNamespace(ns);
    var argoSpec = new ArgoHelmRepoSecret.Spec();
    argoSpec.setGeneratedSecretName("database");
    argoSpec.setUrl(registry);
    argoSpec.setDeletionPolicy(DeletionPolicy.DELETE);
    argo.setSpec(argoSpec);
    kube.resource(argo).create();

    awaitReady(MobbSecret.class, ns, "over-hub", "False/SecretNotManaged");
    awaitReady(ArgoHelmRepoSecret.class, ns, "over-database", "False/SecretNotManaged");
    deleteAndAwaitGone(mobb);
    deleteAndAwaitGone(argo);
    for (Secret before : List.of(hub, database)) {
      Secret after = secret(ns, before.getMetadata().getName());
      assertThat(after).isNotNull();
      assertThat(after.getData()).isEqualTo(before.getData());
      assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
      assertThat(after.getMetadata().getAnnotations())
          .isEqualTo(before.getMetadata().getAnnotations());
      assertThat(after.getMetadata().getResourceVersion())
          .as("never written")
          .isEqualTo(before.getMetadata().getResourceVersion());
    }
  }
}
