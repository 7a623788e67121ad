package io.ecrsecret.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.core.DockerConfigJson;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What letting go of a secret leaves: what was there, what we added, what a release restores. */
class SecretReleaseTest {

  private static final String ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String HUB = "https://index.docker.io/v1/";
  private static final String OWNER = "EcrPullSecret/team-a/pull";

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String config(String... hosts) {
    var auths = new StringBuilder();
    for (String host : hosts) {
      auths.append(auths.isEmpty() ? "" : ",");
      auths.append("\"").append(host).append("\":{\"auth\":\"").append(b64(host)).append("\"}");
    }
    return "{\"auths\":{" + auths + "}}";
  }

  private static Map<String, String> ourLabels() {
    return Map.of(
        ManagedMarkers.MANAGED_BY_LABEL,
        ManagedMarkers.MANAGED_BY,
        ManagedMarkers.OWNER_KIND_LABEL,
        "EcrPullSecret");
  }

  /** A secret as the writer leaves it: its data, our labels over theirs, our markers. */
  private static Secret ours(
      Map<String, String> data, Map<String, String> theirLabels, boolean adopted) {
    var labels = new TreeMap<>(theirLabels);
    labels.putAll(ourLabels());
    var annotations = new TreeMap<String, String>();
    annotations.put(ManagedMarkers.OWNER, OWNER);
    annotations.put(ManagedMarkers.REGISTRIES, ECR);
    annotations.put("team.example/note", "theirs");
    if (adopted) {
      annotations.put(ManagedMarkers.ADOPTED, "true");
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName("pull")
        .withNamespace("team-a")
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(data)
        .build();
  }

  private static String hosts(Map<String, String> data) throws Exception {
    var auths =
        new ObjectMapper()
            .readTree(Base64.getDecoder().decode(data.get(DockerConfigJson.KEY)))
            .path("auths");
    var names = new java.util.TreeSet<String>();
    auths.fieldNames().forEachRemaining(names::add);
    return String.join(",", names);
  }

  @Test
  void aSecretHoldingOnlyOurEntriesMayBeDeletedAndOneHoldingOthersMayNot() {
    Secret onlyOurs = ours(Map.of(DockerConfigJson.KEY, b64(config(ECR))), Map.of(), false);
    Secret withHub = ours(Map.of(DockerConfigJson.KEY, b64(config(ECR, HUB))), Map.of(), false);
    Secret withKey =
        ours(
            Map.of(DockerConfigJson.KEY, b64(config(ECR)), "notes.txt", b64("x")), Map.of(), false);
    Secret notJustAuths =
        ours(
            Map.of(DockerConfigJson.KEY, b64("{\"auths\":{},\"credsStore\":\"desktop\"}")),
            Map.of(),
            false);
    for (var c :
        List.of(
            List.of(onlyOurs, false),
            List.of(withHub, true),
            List.of(withKey, true),
            List.of(notJustAuths, true))) {
      Secret secret = (Secret) c.get(0);
      // the same answer from the full secret and from the trimmed copy a cache holds
      assertThat(SecretRelease.holdsOthersData(secret)).isEqualTo(c.get(1));
      assertThat(SecretRelease.holdsOthersData(TrimmedObjects.secret(secret))).isEqualTo(c.get(1));
    }
  }

  @Test
  void anArgoCdSecretHoldsOthersDataOnlyWithKeysWeNeverWrite() {
    Map<String, String> argo = new HashMap<>();
    for (String k : List.of("type", "enableOCI", "name", "url", "username", "password")) {
      argo.put(k, b64(k));
    }
    Secret plain = new SecretBuilder(ours(argo, Map.of(), false)).withType("Opaque").build();
    assertThat(SecretRelease.holdsOthersData(plain)).isFalse();
    argo.put("project", b64("platform"));
    Secret withProject = new SecretBuilder(ours(argo, Map.of(), false)).withType("Opaque").build();
    assertThat(SecretRelease.holdsOthersData(withProject)).isTrue();
    assertThat(SecretRelease.releasedData(withProject)).containsOnlyKeys("project");
  }

  @Test
  void aReleaseOfASecretWeMadeKeepsOnlyWhatOthersPutThere() throws Exception {
    Secret withHub =
        ours(
            Map.of(DockerConfigJson.KEY, b64(config(ECR, HUB))),
            Map.of("team.example/app", "web"),
            false);
    var data = SecretRelease.releasedData(withHub);
    assertThat(hosts(data)).isEqualTo(HUB);
    // our owner reference goes too: the garbage collector must not delete what stays
    Secret owned =
        new SecretBuilder(withHub)
            .editMetadata()
            .addNewOwnerReference()
            .withKind("EcrPullSecret")
            .withName("pull")
            .withUid("u-1")
            .withApiVersion("ecr-secret-operator.io/v1alpha1")
            .endOwnerReference()
            .addNewOwnerReference()
            .withKind("ConfigMap")
            .withName("pull")
            .withUid("u-2")
            .withApiVersion("v1")
            .endOwnerReference()
            .endMetadata()
            .build();
    assertThat(SecretRelease.releasedOwners(owned))
        .extracting(r -> r.getUid())
        .containsExactly("u-2");
    assertThat(SecretRelease.releasedLabels(withHub)).isEqualTo(Map.of("team.example/app", "web"));
  }

  /** What an adoption writes, built as the writer builds it, then released. */
  @Test
  void anAdoptedSecretIsGivenBackByteForByteWithItsHelmLabel() throws Exception {
    Map<String, String> before = Map.of(DockerConfigJson.KEY, b64(config(HUB)), "extra", b64("x"));
    Map<String, String> theirLabels =
        Map.of(ManagedMarkers.MANAGED_BY_LABEL, "Helm", "app.kubernetes.io/instance", "web");
    Map<String, String> ourData = Map.of(DockerConfigJson.KEY, b64(config(ECR, HUB)));
    var written = new HashMap<>(before);
    written.putAll(ourData);
    written.put(
        AdoptionRecord.KEY,
        AdoptionRecord.of(before, ourData, theirLabels, ourLabels(), List.of("default")).encoded());
    Secret adopted = ours(written, theirLabels, true);
    assertThat(adopted.getMetadata().getLabels())
        .containsEntry(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY);

    assertThat(SecretRelease.releasedData(adopted)).isEqualTo(before);
    assertThat(SecretRelease.releasedLabels(adopted)).isEqualTo(theirLabels);
    // a Retain keeps our data (valid, for pods that use it) but gives the labels back
    assertThat(SecretRelease.retainedLabels(adopted)).isEqualTo(theirLabels);
  }

  @Test
  void aRetainOfASecretWeMadeDropsOurLabelsOnly() {
    Secret made =
        ours(
            Map.of(DockerConfigJson.KEY, b64(config(ECR))),
            Map.of("team.example/app", "web"),
            false);
    assertThat(SecretRelease.retainedLabels(made)).isEqualTo(Map.of("team.example/app", "web"));
  }

  @Test
  void onlyTheLinksWeAddedLeave() {
    Map<String, String> ourData = Map.of(DockerConfigJson.KEY, b64(config(ECR)));
    List<String> ownerLinks = List.of("default", "builder", "app");
    // made by us: every account the owner links was linked by us
    assertThat(SecretRelease.accountsToUnlink(ours(ourData, Map.of(), false), ownerLinks))
        .isEqualTo(ownerLinks);
    // adopted: those that linked it before keep their links
    var data = new HashMap<>(ourData);
    data.put(
        AdoptionRecord.KEY,
        AdoptionRecord.of(Map.of(), ourData, Map.of(), ourLabels(), List.of("default", "builder"))
            .encoded());
    assertThat(SecretRelease.accountsToUnlink(ours(data, Map.of(), true), ownerLinks))
        .containsExactly("app");
    // adopted before the links were recorded: none can be told apart, none is removed
    data.put(
        AdoptionRecord.KEY,
        b64("{\"replacedData\":{\".dockerconfigjson\":\"\"},\"replacedLabels\":{}}"));
    assertThat(SecretRelease.accountsToUnlink(ours(data, Map.of(), true), ownerLinks)).isEmpty();
  }
}
