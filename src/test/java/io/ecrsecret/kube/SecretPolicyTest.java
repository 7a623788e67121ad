package io.ecrsecret.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.kube.SecretPolicy.Create;
import io.ecrsecret.kube.SecretPolicy.Decision;
import io.ecrsecret.kube.SecretPolicy.Leave;
import io.ecrsecret.kube.SecretPolicy.Patch;
import io.ecrsecret.kube.SecretPolicy.Read;
import io.ecrsecret.kube.SecretPolicy.Refuse;
import io.ecrsecret.kube.SecretPolicy.Replace;
import io.ecrsecret.kube.SecretPolicy.Wanted;
import io.ecrsecret.refresh.PullSecretContent;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision for one secret, without a cluster: from a cache (create, leave, patch, read first)
 * and from a secret as read (each refusal rule, adoption, take-over).
 */
class SecretPolicyTest {

  static final String ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  static final String OWNER = "EcrPullSecret/team-a/pull";
  static final String DOCKER = "kubernetes.io/dockerconfigjson";
  static final Supplier<List<String>> NO_LINKS = List::of;

  static PullSecretContent content(OutputFormat format, String password, String... hosts) {
    var byHost = new java.util.TreeMap<String, RegistryCredentials>();
    for (String host : hosts) {
      byHost.put(
          host,
          new RegistryCredentials(
              "AWS", password, Optional.of(Instant.parse("2026-12-06T20:00:00Z"))));
    }
    return new PullSecretContent(
        format,
        byHost,
        "pull",
        "oci://" + hosts[0],
        Optional.of(Instant.parse("2026-12-06T20:00:00Z")),
        Optional.empty());
  }

  static Wanted wanted(String owner, Adoption adoption) {
    return new Wanted(
        "team-a", "pull", content(OutputFormat.DOCKERCONFIGJSON, "token-1", ECR), owner, adoption);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static SecretBuilder existing(String type, Map<String, String> plainData) {
    var data = new java.util.HashMap<String, String>();
    plainData.forEach((k, v) -> data.put(k, b64(v)));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("team-a")
        .withName("pull")
        .withUid("uid-1")
        .withResourceVersion("7")
        .endMetadata()
        .withType(type)
        .withData(data);
  }

  static OwnerReference reference(String apiVersion, String kind, boolean controller) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName("x")
        .withUid("owner-uid")
        .withController(controller)
        .build();
  }

  static final String HUB_CONFIG =
      "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"eDp5\"}}}";

  /** A secret as the API server would hand back what we created. */
  static Secret stored(Secret created) {
    return new SecretBuilder(created)
        .editMetadata()
        .withUid("uid-1")
        .withResourceVersion("7")
        .endMetadata()
        .build();
  }

  @Test
  void aSecretThatIsNotThereIsCreatedWithOurLabelsAndMarkers() {
    Decision decision = SecretPolicy.fromCache(Optional.empty(), wanted(OWNER, Adoption.NEVER));

    assertThat(decision).isInstanceOf(Create.class);
    Secret secret = ((Create) decision).secret();
    assertThat(secret.getType()).isEqualTo(DOCKER);
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY)
        .containsEntry(ManagedMarkers.OWNER_KIND_LABEL, "EcrPullSecret");
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.OWNER, OWNER)
        .containsEntry(ManagedMarkers.REGISTRIES, ECR)
        .containsEntry(ManagedMarkers.EXPIRES_AT, "2026-12-06T20:00:00Z");
    assertThat(secret.getData()).containsOnlyKeys(DockerConfigJson.KEY);
  }

  @Test
  void aCachedSecretOfOursIsLeftWhenCurrentAndPatchedAtItsVersionWhenItsTokenChanged() {
    Secret cached =
        TrimmedObjects.secret(
            stored(
                ((Create) SecretPolicy.fromCache(Optional.empty(), wanted(OWNER, Adoption.NEVER)))
                    .secret()));

    assertThat(SecretPolicy.fromCache(Optional.of(cached), wanted(OWNER, Adoption.NEVER)))
        .isEqualTo(new Leave("uid-1"));

    var newToken =
        new Wanted(
            "team-a",
            "pull",
            content(OutputFormat.DOCKERCONFIGJSON, "token-2", ECR),
            OWNER,
            Adoption.NEVER);
    Decision decision = SecretPolicy.fromCache(Optional.of(cached), newToken);
    assertThat(decision).isInstanceOf(Patch.class);
    @SuppressWarnings("unchecked")
    var metadata = (Map<String, Object>) ((Patch) decision).body().get("metadata");
    assertThat(metadata).containsEntry("resourceVersion", "7");
  }

  @Test
  void aCachedSecretKeptByAnotherOwnerIsReadFirst() {
    Secret cached =
        TrimmedObjects.secret(
            stored(
                ((Create)
                        SecretPolicy.fromCache(
                            Optional.empty(), wanted("ClusterEcrPullSecret/all", Adoption.NEVER)))
                    .secret()));

    assertThat(SecretPolicy.fromCache(Optional.of(cached), wanted(OWNER, Adoption.NEVER)))
        .isInstanceOf(Read.class);
  }

  static Stream<Arguments> refusals() {
    Secret unmanaged = existing(DOCKER, Map.of(DockerConfigJson.KEY, HUB_CONFIG)).build();
    Secret opaque = existing("Opaque", Map.of("password", "hunter2")).build();
    Secret mobbControlledElsewhere =
        existing(DOCKER, Map.of(DockerConfigJson.KEY, HUB_CONFIG))
            .editMetadata()
            .withOwnerReferences(
                reference("ecr.mobb.redhat.com/v1alpha1", "Secret", false),
                reference("apps/v1", "Deployment", true))
            .endMetadata()
            .build();
    Secret unreadable = existing(DOCKER, Map.of(DockerConfigJson.KEY, "not json")).build();
    return Stream.of(
        Arguments.of(
            "not managed, adopt not asked (resource)",
            unmanaged,
            wanted(OWNER, Adoption.NEVER),
            StatusReason.SECRET_NOT_MANAGED,
            "Set spec.adopt: true"),
        Arguments.of(
            "not managed, adopt not asked (CLI)",
            unmanaged,
            wanted(PullSecretWriter.CLI_OWNER, Adoption.NEVER),
            StatusReason.SECRET_NOT_MANAGED,
            "Pass --adopt"),
        Arguments.of(
            "kept by another resource, adopt asked",
            keptBy("ClusterEcrPullSecret/all"),
            wanted(OWNER, Adoption.ADOPT),
            StatusReason.SECRET_OWNED_ELSEWHERE,
            "is kept by ClusterEcrPullSecret/all, not by " + OWNER),
        Arguments.of(
            "kept by a resource that took it over from the CLI",
            keptBy(OWNER),
            wanted(PullSecretWriter.CLI_OWNER, Adoption.ADOPT),
            StatusReason.SECRET_OWNED_ELSEWHERE,
            "is kept by " + OWNER + " now (the operator took it over)"),
        Arguments.of(
            "of another type",
            opaque,
            wanted(OWNER, Adoption.ADOPT),
            StatusReason.SECRET_TYPE_MISMATCH,
            "has type Opaque but needs " + DOCKER),
        Arguments.of(
            "take-over of what rh-mobb's operator did not make",
            unmanaged,
            wanted("Secret/team-a/x", Adoption.TAKE_OVER),
            StatusReason.SECRET_NOT_MANAGED,
            "made neither by rh-mobb's ecr-secret-operator"),
        Arguments.of(
            "take-over of a secret another controller holds",
            mobbControlledElsewhere,
            wanted("Secret/team-a/x", Adoption.TAKE_OVER),
            StatusReason.SECRET_CONTROLLED_ELSEWHERE,
            "is controlled by Deployment x"),
        Arguments.of(
            "adoption over data an Argo CD secret would overwrite",
            existing("Opaque", Map.of("db-password", "hunter2")).build(),
            new Wanted(
                "team-a",
                "pull",
                content(OutputFormat.ARGOCD_HELM, "t", ECR),
                OWNER,
                Adoption.ADOPT),
            StatusReason.SECRET_HOLDS_OTHER_DATA,
            "holds other data (db-password)"),
        Arguments.of(
            "a docker config that is not one",
            unreadable,
            wanted(OWNER, Adoption.ADOPT),
            StatusReason.SECRET_CONTENT_UNREADABLE,
            ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aSecretAsReadIsRefusedByTheFirstRuleThatApplies(
      String title, Secret read, Wanted wanted, StatusReason reason, String says) {
    Decision decision = SecretPolicy.fromRead(Optional.of(read), wanted, NO_LINKS);

    assertThat(decision).isInstanceOf(Refuse.class);
    assertThat(((Refuse) decision).reason()).isEqualTo(reason);
    assertThat(((Refuse) decision).message()).contains(says).doesNotContain("token-1");
  }

  static Secret keptBy(String owner) {
    return existing(DOCKER, Map.of(DockerConfigJson.KEY, HUB_CONFIG))
        .editMetadata()
        .withLabels(
            Map.of(
                ManagedMarkers.MANAGED_BY_LABEL,
                ManagedMarkers.MANAGED_BY,
                ManagedMarkers.OWNER_KIND_LABEL,
                ManagedMarkers.ownerKind(owner)))
        .withAnnotations(Map.of(ManagedMarkers.OWNER, owner))
        .endMetadata()
        .build();
  }

  @Test
  void aResourceTakesOverInPlaceWhatTheCliKeeps() {
    Secret read = keptBy(PullSecretWriter.CLI_OWNER);

    Decision decision =
        SecretPolicy.fromRead(Optional.of(read), wanted(OWNER, Adoption.NEVER), NO_LINKS);

    assertThat(decision).isInstanceOf(Replace.class);
    var replace = (Replace) decision;
    assertThat(replace.adopted()).as("said as a take-over").isTrue();
    assertThat(replace.desired().getMetadata().getUid()).isEqualTo("uid-1");
    assertThat(replace.desired().getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.OWNER, OWNER)
        .doesNotContainKey(ManagedMarkers.ADOPTED);
    assertThat(replace.desired().getMetadata().getLabels())
        .containsEntry(ManagedMarkers.OWNER_KIND_LABEL, "EcrPullSecret");
    assertThat(replace.desired().getData()).doesNotContainKey(AdoptionRecord.KEY);
  }

  @Test
  void anAdoptedSecretRecordsWhatItHeldAndWhichAccountsLinkedIt() {
    Secret read = existing(DOCKER, Map.of(DockerConfigJson.KEY, HUB_CONFIG)).build();
    var asked = new java.util.concurrent.atomic.AtomicInteger();

    Decision decision =
        SecretPolicy.fromRead(
            Optional.of(read),
            wanted(OWNER, Adoption.ADOPT),
            () -> {
              asked.incrementAndGet();
              return List.of("default");
            });

    assertThat(decision).isInstanceOf(Replace.class);
    var replace = (Replace) decision;
    assertThat(replace.adopted()).isTrue();
    assertThat(replace.desired().getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.ADOPTED, "true");
    var record = AdoptionRecord.in(replace.desired().getData()).orElseThrow();
    assertThat(record.restoreData(replace.desired().getData())).isEqualTo(read.getData());
    assertThat(asked).hasValue(1);
  }

  @Test
  void whatRhMobbsOperatorMadeIsTakenOverAsOursWithoutARecord() {
    Secret read =
        existing(DOCKER, Map.of(DockerConfigJson.KEY, HUB_CONFIG))
            .editMetadata()
            .withOwnerReferences(reference("ecr.mobb.redhat.com/v1alpha1", "Secret", false))
            .endMetadata()
            .build();

    Decision decision =
        SecretPolicy.fromRead(
            Optional.of(read), wanted("Secret/team-a/x", Adoption.TAKE_OVER), NO_LINKS);

    assertThat(decision).isInstanceOf(Replace.class);
    var desired = ((Replace) decision).desired();
    assertThat(((Replace) decision).adopted()).isTrue();
    assertThat(desired.getMetadata().getAnnotations()).doesNotContainKey(ManagedMarkers.ADOPTED);
    assertThat(desired.getData()).doesNotContainKey(AdoptionRecord.KEY);
    // the reference to rh-mobb's resource, now served here, goes: its secret is retained
    assertThat(desired.getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void aSecretAsReadThatHoldsWhatIsWantedIsLeft() {
    Secret ours =
        stored(
            ((Create) SecretPolicy.fromCache(Optional.empty(), wanted(OWNER, Adoption.NEVER)))
                .secret());

    assertThat(SecretPolicy.fromRead(Optional.of(ours), wanted(OWNER, Adoption.NEVER), NO_LINKS))
        .isEqualTo(new Leave("uid-1"));
    assertThat(SecretPolicy.fromRead(Optional.empty(), wanted(OWNER, Adoption.NEVER), NO_LINKS))
        .isInstanceOf(Create.class);
  }
}
