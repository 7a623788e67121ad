package io.ecrsecret.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.kube.SecretPolicy.Decision;
import io.ecrsecret.kube.SecretPolicy.Replace;
import io.ecrsecret.kube.SecretPolicy.Wanted;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The merge rules as properties over secrets others made: our entries added, replaced or removed
 * never change anyone else's registry entries, data keys, labels, annotations or owner references;
 * and adopting a secret then letting it go gives back exactly what it held.
 */
class SecretMergePropertiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ECR = SecretPolicyTest.ECR;
  private static final String OTHER_ECR = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";

  /** What someone else put in a secret before we came. */
  record Theirs(
      Map<String, String> registries,
      Map<String, String> data,
      Map<String, String> labels,
      Map<String, String> annotations,
      List<OwnerReference> owners) {

    Secret secret() {
      var config = JSON.createObjectNode();
      var auths = config.putObject("auths");
      registries.forEach((host, auth) -> auths.putObject(host).put("auth", auth));
      var encoded = new HashMap<String, String>();
      data.forEach((k, v) -> encoded.put(k, SecretPolicyTest.b64(v)));
      encoded.put(DockerConfigJson.KEY, SecretPolicyTest.b64(config.toString()));
      return new SecretBuilder()
          .withNewMetadata()
          .withNamespace("team-a")
          .withName("pull")
          .withUid("uid-1")
          .withResourceVersion("3")
          .withLabels(labels)
          .withAnnotations(annotations)
          .withOwnerReferences(owners)
          .endMetadata()
          .withType(SecretPolicyTest.DOCKER)
          .withData(encoded)
          .build();
    }
  }

  @Provide
  Arbitrary<Theirs> theirs() {
    Arbitrary<String> word =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> value = Arbitraries.strings().alpha().numeric().ofMaxLength(12);
    Arbitrary<Map<String, String>> registries =
        Arbitraries.maps(word.map(w -> w + ".registry.example"), value).ofMaxSize(4);
    Arbitrary<Map<String, String>> data =
        Arbitraries.maps(word.map(w -> "their-" + w), value).ofMaxSize(3);
    Arbitrary<Map<String, String>> labels =
        Arbitraries.maps(word.map(w -> "team.example/" + w), value).ofMaxSize(3);
    Arbitrary<Map<String, String>> annotations =
        Arbitraries.maps(word.map(w -> "note.example/" + w), value).ofMaxSize(3);
    Arbitrary<List<OwnerReference>> owners =
        word.map(w -> SecretPolicyTest.reference("example.com/v1", "Thing", false))
            .list()
            .ofMaxSize(1);
    return Combinators.combine(registries, data, labels, annotations, owners).as(Theirs::new);
  }

  private static Wanted wanted(String password, Adoption adoption, String... hosts) {
    return new Wanted(
        "team-a",
        "pull",
        SecretPolicyTest.content(OutputFormat.DOCKERCONFIGJSON, password, hosts),
        SecretPolicyTest.OWNER,
        adoption);
  }

  private static Secret replaced(Optional<Secret> read, Wanted wanted) {
    Decision decision = SecretPolicy.fromRead(read, wanted, List::of);
    assertThat(decision).isInstanceOf(Replace.class);
    return ((Replace) decision).desired();
  }

  private static ObjectNode auths(Secret secret) {
    try {
      String config =
          new String(Base64.getDecoder().decode(secret.getData().get(DockerConfigJson.KEY)));
      return (ObjectNode) JSON.readTree(config).path("auths");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Everything but our keys, with our keys named. */
  private static Map<String, String> without(Map<String, String> map, Set<String> ours) {
    var rest = new TreeMap<>(map == null ? Map.of() : map);
    rest.keySet().removeAll(ours);
    return rest;
  }

  private static final Set<String> OUR_DATA = Set.of(DockerConfigJson.KEY, AdoptionRecord.KEY);

  @Property
  void adoptingAddsOurEntryAndChangesNothingOfTheirs(@ForAll("theirs") Theirs theirs) {
    Secret before = theirs.secret();
    Secret after = replaced(Optional.of(before), wanted("token-1", Adoption.ADOPT, ECR));

    ObjectNode auths = auths(after);
    assertThat(auths.has(ECR)).isTrue();
    theirs
        .registries()
        .forEach(
            (host, auth) -> assertThat(auths.path(host).path("auth").asText()).isEqualTo(auth));
    assertThat(without(after.getData(), OUR_DATA)).isEqualTo(without(before.getData(), OUR_DATA));
    assertThat(without(after.getMetadata().getLabels(), ourLabelKeys()))
        .isEqualTo(new TreeMap<>(theirs.labels()));
    assertThat(without(after.getMetadata().getAnnotations(), ourAnnotationKeys(after)))
        .isEqualTo(new TreeMap<>(theirs.annotations()));
    assertThat(after.getMetadata().getOwnerReferences()).isEqualTo(theirs.owners());
  }

  @Property
  void ourEntriesReplacedAndRemovedLeaveTheirsAsTheyWere(@ForAll("theirs") Theirs theirs) {
    Secret adopted =
        replaced(Optional.of(theirs.secret()), wanted("token-1", Adoption.ADOPT, ECR, OTHER_ECR));
    // the next refresh: a new token, and one of our registries no longer asked for
    Secret next = replaced(Optional.of(adopted), wanted("token-2", Adoption.NEVER, ECR));

    ObjectNode auths = auths(next);
    assertThat(auths.has(OTHER_ECR)).isFalse();
    assertThat(auths.path(ECR).path("password").asText()).isEqualTo("token-2");
    JsonNode theirsNow = auths.deepCopy().without(List.of(ECR));
    assertThat((JsonNode) JSON.valueToTree(asAuths(theirs.registries()))).isEqualTo(theirsNow);
    assertThat(without(next.getMetadata().getLabels(), ourLabelKeys()))
        .isEqualTo(new TreeMap<>(theirs.labels()));
    assertThat(next.getMetadata().getOwnerReferences()).isEqualTo(theirs.owners());
  }

  @Property
  void adoptingThenLettingGoGivesBackExactlyWhatWasThere(@ForAll("theirs") Theirs theirs) {
    Secret before = theirs.secret();
    Secret adopted = replaced(Optional.of(before), wanted("token-1", Adoption.ADOPT, ECR));
    Secret refreshed = replaced(Optional.of(adopted), wanted("token-2", Adoption.NEVER, ECR));

    assertThat(SecretRelease.releasedData(refreshed)).isEqualTo(before.getData());
    assertThat(SecretRelease.releasedLabels(refreshed))
        .isEqualTo(new TreeMap<>(before.getMetadata().getLabels()));
    // and it stays marked as adopted, so a release never deletes it
    assertThat(refreshed.getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.ADOPTED, "true");
  }

  private static Map<String, Map<String, String>> asAuths(Map<String, String> registries) {
    var auths = new TreeMap<String, Map<String, String>>();
    registries.forEach((host, auth) -> auths.put(host, Map.of("auth", auth)));
    return auths;
  }

  private static Set<String> ourLabelKeys() {
    return Set.of(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.OWNER_KIND_LABEL);
  }

  private static Set<String> ourAnnotationKeys(Secret secret) {
    var keys = new java.util.HashSet<String>();
    secret.getMetadata().getAnnotations().keySet().stream()
        .filter(k -> k.startsWith(ManagedMarkers.PREFIX))
        .forEach(keys::add);
    return keys;
  }
}
