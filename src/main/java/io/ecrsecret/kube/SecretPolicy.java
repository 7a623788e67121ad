package io.ecrsecret.kube;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What to do with one secret, decided purely from what is wanted and what is observed (the copy a
 * cache holds, or the secret as read): the rules of ownership, adoption and take-over in one place,
 * tested without a cluster ({@code SecretPolicyTest}, {@code SecretMergePropertiesTest}). {@link
 * PullSecretWriter} executes the decision and nothing else.
 *
 * <p>The refusals are a chain of named rules, each a reason and a message, tried in order: not
 * managed, owned elsewhere, of another type, not made by the replaced operator, controlled
 * elsewhere, holding other data. The first that applies leaves the secret as it is.
 */
public final class SecretPolicy {

  private SecretPolicy() {}

  /**
   * What is wanted of one secret.
   *
   * @param owner what keeps the secret ({@value PullSecretWriter#CLI_OWNER}, or a custom resource
   *     {@code KIND/NS/NAME}), recorded on it
   * @param adoption what to do with a secret that exists and is not marked as managed
   */
  public record Wanted(
      String namespace, String name, SecretContent content, String owner, Adoption adoption) {

    /** Our data as it is written when nothing is merged into (base64). */
    Map<String, String> freshData() {
      return encode(content.data(Optional.empty()));
    }

    String where() {
      return namespace + "/" + name;
    }

    /** The labels we set: the content's, the managed-by label and the owner's kind. */
    TreeMap<String, String> ownLabels() {
      return ManagedMarkers.ownLabels(content.labels(), owner);
    }
  }

  /** What to do. */
  public sealed interface Decision {}

  /** The secret holds what is wanted: nothing to write. */
  public record Leave(String uid) implements Decision {}

  /** There is no such secret: create this one. */
  public record Create(Secret secret) implements Decision {}

  /**
   * A cached secret of ours needs only our data: this merge patch, conditional on the cached
   * resource version (no read first).
   */
  public record Patch(Secret cached, Map<String, Object> body) implements Decision {}

  /**
   * The secret as read is to become this one (its resource version makes the write conditional);
   * {@code adopted} when this takes over a secret that nothing managed.
   */
  public record Replace(Secret existing, Secret desired, boolean adopted) implements Decision {}

  /** The secret is left as it is, for this reason. */
  public record Refuse(StatusReason reason, String message) implements Decision {}

  /** The cache cannot tell: read the secret and decide on what it holds. */
  public record Read() implements Decision {}

  /**
   * The decision from the copy a cache holds, of a secret of ours ({@link ClusterState}): none, so
   * create; current, so leave; holding only our data, so patch; anything else, read it first.
   */
  public static Decision fromCache(Optional<Secret> cached, Wanted wanted) {
    if (cached.isEmpty()) {
      return new Create(created(wanted));
    }
    Secret secret = cached.get();
    Map<String, String> fresh = wanted.freshData();
    String contentDigest = TrimmedObjects.digest(fresh);
    if (current(secret, wanted, contentDigest)) {
      return new Leave(secret.getMetadata().getUid());
    }
    if (onlyOurData(secret, wanted, fresh)) {
      return new Patch(secret, patchBody(secret, wanted, fresh, contentDigest));
    }
    return new Read();
  }

  /**
   * The decision from the secret as read (empty: there is none), by the refusal rules and then the
   * merge: our data over what is there, others' keys, labels, annotations and owner references
   * kept.
   *
   * @param linkedBefore the accounts of its namespace that link it now, recorded when it is adopted
   *     (asked only then)
   */
  public static Decision fromRead(
      Optional<Secret> read, Wanted wanted, Supplier<List<String>> linkedBefore) {
    if (read.isEmpty()) {
      return new Create(created(wanted));
    }
    var found = Found.of(read.get(), wanted);
    Optional<Refuse> refused =
        Stream.<Rule>of(
                SecretPolicy::notManaged,
                SecretPolicy::ownedElsewhere,
                SecretPolicy::ofAnotherType,
                SecretPolicy::notMadeByReplacedOperator,
                SecretPolicy::controlledElsewhere)
            .map(rule -> rule.refuses(found, wanted))
            .flatMap(Optional::stream)
            .findFirst();
    if (refused.isPresent()) {
      return refused.get();
    }
    Map<String, String> ourData;
    try {
      ourData = encode(wanted.content().data(read));
    } catch (SecretConflictException e) {
      return new Refuse(e.reason(), e.getMessage());
    }
    Optional<Refuse> othersData = holdsOtherData(found, wanted, ourData);
    if (othersData.isPresent()) {
      return othersData.get();
    }
    return merged(found, wanted, ourData, linkedBefore);
  }

  /** What a secret is to us, as read. */
  private record Found(
      Secret secret, String currentOwner, boolean managed, boolean madeByReplacedOperator) {

    static Found of(Secret secret, Wanted wanted) {
      String currentOwner = ManagedMarkers.annotation(secret, ManagedMarkers.OWNER);
      boolean managed = ManagedMarkers.isManaged(secret) || currentOwner != null;
      return new Found(
          secret, currentOwner, managed, !managed && SecretPolicy.madeByReplacedOperator(secret));
    }

    /** Made ours as if we had made it: what the replaced operator left, where that is asked. */
    boolean takenOver(Wanted wanted) {
      return madeByReplacedOperator
          && (wanted.adoption() == Adoption.TAKE_OVER
              || wanted.adoption() == Adoption.TAKE_OVER_OR_ADOPT);
    }
  }

  /** One refusal rule: the reason and message to leave the secret as it is, where it applies. */
  @FunctionalInterface
  private interface Rule {
    Optional<Refuse> refuses(Found found, Wanted wanted);
  }

  static Optional<Refuse> notManaged(Found found, Wanted wanted) {
    if (found.managed() || wanted.adoption() != Adoption.NEVER) {
      return Optional.empty();
    }
    return Optional.of(
        new Refuse(
            StatusReason.SECRET_NOT_MANAGED,
            "secret "
                + wanted.where()
                + " exists and is not managed by ecr-secret-operator; it was left as it is. "
                + (wanted.owner().equals(PullSecretWriter.CLI_OWNER)
                    ? "Pass --adopt"
                    : "Set spec.adopt: true")
                + " to take it over; entries it holds for other registries are kept. Or choose"
                + " another secret name"));
  }

  /**
   * Never taken over, adopt or not: two owners would swap it back and forth, and deleting one would
   * delete what the other keeps.
   */
  static Optional<Refuse> ownedElsewhere(Found found, Wanted wanted) {
    if (!found.managed()
        || found.currentOwner() == null
        || wanted.owner().equals(found.currentOwner())) {
      return Optional.empty();
    }
    return Optional.of(
        new Refuse(
            StatusReason.SECRET_OWNED_ELSEWHERE,
            "secret "
                + wanted.where()
                + " is kept by "
                + DisplayText.clean(found.currentOwner(), DisplayText.VALUE * 2)
                + ", not by "
                + wanted.owner()
                + "; it was left as it is. Choose another secret name, or remove it from "
                + "that owner first (delete that resource, or stop that CronJob and delete the"
                + " secret)"));
  }

  static Optional<Refuse> ofAnotherType(Found found, Wanted wanted) {
    String type = found.secret().getType();
    if (Objects.equals(type, wanted.content().type())) {
      return Optional.empty();
    }
    return Optional.of(
        new Refuse(
            StatusReason.SECRET_TYPE_MISMATCH,
            "secret "
                + wanted.where()
                + " has type "
                + type
                + " but needs "
                + wanted.content().type()
                + "; a secret's type cannot change in place. Delete it or choose another secret"
                + " name"));
  }

  /**
   * Only what rh-mobb's operator made is taken over as ours: anything else may hold someone's data
   * (a database password under the same name), and a take-over keeps no record of it.
   */
  static Optional<Refuse> notMadeByReplacedOperator(Found found, Wanted wanted) {
    if (found.managed()
        || wanted.adoption() != Adoption.TAKE_OVER
        || found.madeByReplacedOperator()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refuse(
            StatusReason.SECRET_NOT_MANAGED,
            "secret "
                + wanted.where()
                + " exists and was made neither by rh-mobb's ecr-secret-operator (it has no owner"
                + " reference to one of its ecr.mobb.redhat.com resources) nor by"
                + " ecr-secret-operator; it was left as it is. Choose another"
                + " generated_secret_name, or delete that secret if nothing needs it (or the"
                + " platform lets rh-mobb's kinds adopt such secrets:"
                + " --compat-adopt-other-secrets, the chart's compat.adoptOtherSecrets)"));
  }

  /** A secret taken over must have no other controller. */
  static Optional<Refuse> controlledElsewhere(Found found, Wanted wanted) {
    if (!found.takenOver(wanted)) {
      return Optional.empty();
    }
    return ownerReferences(found.secret()).stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .filter(r -> !refersTo(r, wanted.owner()))
        .findFirst()
        .map(
            controller ->
                new Refuse(
                    StatusReason.SECRET_CONTROLLED_ELSEWHERE,
                    "secret "
                        + wanted.where()
                        + " is controlled by "
                        + DisplayText.clean(
                            controller.getKind() + " " + controller.getName(),
                            DisplayText.VALUE * 2)
                        + "; it was left as it is. Choose another secret name, or remove it from"
                        + " that controller first"));
  }

  /** Content that replaces the data whole may not be adopted over data it would overwrite. */
  static Optional<Refuse> holdsOtherData(Found found, Wanted wanted, Map<String, String> ourData) {
    Set<String> othersKeys = new TreeSet<>(data(found.secret()).keySet());
    othersKeys.removeAll(ourData.keySet());
    if (found.managed() || othersKeys.isEmpty() || wanted.content().mergesIntoOthers()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refuse(
            StatusReason.SECRET_HOLDS_OTHER_DATA,
            "secret "
                + wanted.where()
                + " holds other data ("
                + DisplayText.clean(String.join(", ", othersKeys), DisplayText.VALUE * 2)
                + "); adopting it would overwrite what it is for. It was left as it is: choose"
                + " another secret name"));
  }

  /**
   * Our data, labels and markers over what the secret holds; keys, labels and annotations of others
   * kept; an adopted secret records what it held, so that a release gives exactly that back.
   */
  private static Decision merged(
      Found found, Wanted wanted, Map<String, String> ourData, Supplier<List<String>> linked) {
    Secret existing = found.secret();
    boolean adopting = !found.managed() && !found.takenOver(wanted);
    Map<String, String> data = new HashMap<>(data(existing));
    data.putAll(ourData);
    var labels = new TreeMap<>(nonNull(existing.getMetadata().getLabels()));
    labels.putAll(wanted.ownLabels());
    var annotations = annotations(nonNull(existing.getMetadata().getAnnotations()), wanted);
    if (adopting) {
      annotations.put(ManagedMarkers.ADOPTED, "true");
      data.put(
          AdoptionRecord.KEY,
          AdoptionRecord.of(
                  data(existing),
                  ourData,
                  nonNull(existing.getMetadata().getLabels()),
                  wanted.ownLabels(),
                  linked.get())
              .encoded());
    }
    annotations.put(ManagedMarkers.CONTENT_DIGEST, TrimmedObjects.digest(wanted.freshData()));
    annotations.put(ManagedMarkers.DATA_DIGEST, TrimmedObjects.digest(data));
    List<OwnerReference> owners =
        owners(existing, wanted, found.managed() || found.takenOver(wanted));
    if (data.equals(data(existing))
        && owners.equals(ownerReferences(existing))
        && labels.equals(nonNull(existing.getMetadata().getLabels()))
        && annotations.equals(nonNull(existing.getMetadata().getAnnotations()))) {
      return new Leave(existing.getMetadata().getUid());
    }
    Secret desired =
        new SecretBuilder(existing)
            .editMetadata()
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owners)
            .endMetadata()
            .withData(data)
            .withStringData(null)
            .build();
    return new Replace(existing, desired, !found.managed());
  }

  /** A new secret holding only what is wanted, owned by the content's owner where it has one. */
  static Secret created(Wanted wanted) {
    Map<String, String> data = wanted.freshData();
    var annotations = annotations(Map.of(), wanted);
    annotations.put(ManagedMarkers.CONTENT_DIGEST, TrimmedObjects.digest(data));
    annotations.put(ManagedMarkers.DATA_DIGEST, TrimmedObjects.digest(data));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(wanted.namespace())
        .withName(wanted.name())
        .withLabels(wanted.ownLabels())
        .withAnnotations(annotations)
        .withOwnerReferences(wanted.content().owner().map(List::of).orElse(List.of()))
        .endMetadata()
        .withType(wanted.content().type())
        .withData(data)
        .build();
  }

  /** Whether a secret of ours holds what we would write now, untouched since we wrote it. */
  private static boolean current(Secret cached, Wanted wanted, String contentDigest) {
    Map<String, String> annotations = nonNull(cached.getMetadata().getAnnotations());
    Map<String, String> labels = nonNull(cached.getMetadata().getLabels());
    return ours(cached, wanted)
        && contentDigest.equals(annotations.get(ManagedMarkers.CONTENT_DIGEST))
        && Objects.equals(
            annotations.get(ManagedMarkers.DATA_DIGEST),
            annotations.get(TrimmedObjects.OBSERVED_DIGEST))
        && wanted.content().annotations().entrySet().stream()
            .allMatch(e -> e.getValue().equals(annotations.get(e.getKey())))
        && wanted.ownLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
        && owners(cached, wanted, true).equals(ownerReferences(cached));
  }

  /** Managed, kept by this owner, of the wanted type. */
  private static boolean ours(Secret cached, Wanted wanted) {
    return wanted.owner().equals(ManagedMarkers.annotation(cached, ManagedMarkers.OWNER))
        && ManagedMarkers.isManaged(cached)
        && Objects.equals(cached.getType(), wanted.content().type());
  }

  /**
   * Whether a secret of ours holds nothing but what we write: then what we write replaces its data
   * whole, and it need not be read first.
   */
  private static boolean onlyOurData(Secret cached, Wanted wanted, Map<String, String> fresh) {
    if (!ours(cached, wanted) || !fresh.keySet().containsAll(data(cached).keySet())) {
      return false;
    }
    String hosts = ManagedMarkers.annotation(cached, TrimmedObjects.OBSERVED_HOSTS);
    if (hosts == null) {
      return !fresh.containsKey(DockerConfigJson.KEY)
          || !data(cached).containsKey(DockerConfigJson.KEY);
    }
    if (hosts.equals(TrimmedObjects.UNKNOWN_HOSTS)) {
      return false;
    }
    var ours = new HashSet<String>();
    ours.addAll(hostList(ManagedMarkers.annotation(cached, ManagedMarkers.REGISTRIES)));
    ours.addAll(hostList(wanted.content().annotations().get(ManagedMarkers.REGISTRIES)));
    return hosts.isEmpty() || ours.containsAll(Arrays.asList(hosts.split(",")));
  }

  private static List<String> hostList(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isBlank()
        ? List.of()
        : Arrays.asList(commaSeparated.split(","));
  }

  private static Map<String, Object> patchBody(
      Secret cached, Wanted wanted, Map<String, String> fresh, String contentDigest) {
    var metadata = new LinkedHashMap<String, Object>();
    // the resource version makes the patch conditional: a secret changed meanwhile gives 409
    metadata.put("resourceVersion", cached.getMetadata().getResourceVersion());
    metadata.put("labels", wanted.ownLabels());
    var annotations = new TreeMap<String, String>(wanted.content().annotations());
    annotations.put(ManagedMarkers.OWNER, wanted.owner());
    annotations.put(ManagedMarkers.CONTENT_DIGEST, contentDigest);
    annotations.put(ManagedMarkers.DATA_DIGEST, contentDigest);
    metadata.put("annotations", annotations);
    List<OwnerReference> owners = owners(cached, wanted, true);
    if (!owners.equals(ownerReferences(cached))) {
      metadata.put("ownerReferences", owners);
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("metadata", metadata);
    body.put("data", fresh);
    return body;
  }

  /**
   * What rh-mobb's operator made carries its owner reference to an ecr.mobb.redhat.com resource.
   */
  static boolean madeByReplacedOperator(Secret existing) {
    return ownerReferences(existing).stream()
        .anyMatch(r -> r.getApiVersion() != null && r.getApiVersion().startsWith(REPLACED_GROUP));
  }

  private static final String REPLACED_GROUP = "ecr.mobb.redhat.com/";

  /**
   * The secret's owner references: ours as the content asks (one we created gets it, an adopted one
   * never; a resource whose secrets are to be retained removes it), the others' as they are.
   */
  private static List<OwnerReference> owners(Secret existing, Wanted wanted, boolean managed) {
    boolean adopted =
        !managed || "true".equals(ManagedMarkers.annotation(existing, ManagedMarkers.ADOPTED));
    Optional<OwnerReference> wantedOwner = wanted.content().owner().filter(o -> !adopted);
    List<OwnerReference> owners = new ArrayList<>();
    for (OwnerReference ref : ownerReferences(existing)) {
      boolean stillWanted = wantedOwner.filter(o -> o.getUid().equals(ref.getUid())).isPresent();
      if (!refersTo(ref, wanted.owner()) || stillWanted) {
        owners.add(ref);
      }
    }
    wantedOwner
        .filter(ref -> owners.stream().noneMatch(o -> ref.getUid().equals(o.getUid())))
        .ifPresent(owners::add);
    return owners;
  }

  /** Whether an owner reference names the resource that keeps the secret ({@code KIND/NS/NAME}). */
  private static boolean refersTo(OwnerReference ref, String owner) {
    String[] parts = owner.split("/");
    return parts.length == 3 && parts[0].equals(ref.getKind()) && parts[2].equals(ref.getName());
  }

  private static TreeMap<String, String> annotations(Map<String, String> current, Wanted wanted) {
    var annotations = new TreeMap<>(current);
    annotations.putAll(wanted.content().annotations());
    annotations.put(ManagedMarkers.OWNER, wanted.owner());
    return annotations;
  }

  static Map<String, String> encode(Map<String, String> plain) {
    var encoded = new HashMap<String, String>();
    plain.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  private static Map<String, String> data(Secret secret) {
    return nonNull(secret.getData());
  }

  private static List<OwnerReference> ownerReferences(Secret secret) {
    List<OwnerReference> refs = secret.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
