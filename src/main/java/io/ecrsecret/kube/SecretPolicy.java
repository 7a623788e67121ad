package io.ecrsecret.kube;

import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What to do with one secret, decided purely from what is wanted and what is observed (the copy a
 * cache holds, or the secret as read): the rules of ownership, adoption and take-over in one place,
 * tested without a cluster ({@code SecretPolicyTest}, {@code SecretMergePropertiesTest}). {@link
 * PullSecretWriter} executes the decision and nothing else.
 *
 * <p>The refusals are a chain of named rules ({@link SecretRefusals}); the checks of a cached copy
 * are {@link CachedSecret}'s.
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
   * {@code adopted} when this takes over a secret that nothing managed, or that our CLI kept.
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
    if (CachedSecret.current(secret, wanted, contentDigest)) {
      return new Leave(secret.getMetadata().getUid());
    }
    if (CachedSecret.onlyOurData(secret, wanted, fresh)) {
      return new Patch(secret, CachedSecret.patchBody(secret, wanted, fresh, contentDigest));
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
    var found = SecretRefusals.Found.of(read.get(), wanted);
    Optional<Refuse> refused = SecretRefusals.first(found, wanted);
    if (refused.isPresent()) {
      return refused.get();
    }
    Map<String, String> ourData;
    try {
      ourData = encode(wanted.content().data(read));
    } catch (SecretConflictException e) {
      return new Refuse(e.reason(), e.getMessage());
    }
    Optional<Refuse> othersData = SecretRefusals.holdsOtherData(found, wanted, ourData);
    if (othersData.isPresent()) {
      return othersData.get();
    }
    return merged(found, wanted, ourData, linkedBefore);
  }

  /**
   * Our data, labels and markers over what the secret holds; keys, labels and annotations of others
   * kept; an adopted secret records what it held, so that a release gives exactly that back.
   */
  private static Decision merged(
      SecretRefusals.Found found,
      Wanted wanted,
      Map<String, String> ourData,
      Supplier<List<String>> linked) {
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
    return new Replace(existing, desired, !found.managed() || found.takenFromCli(wanted));
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
  static List<OwnerReference> owners(Secret existing, Wanted wanted, boolean managed) {
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
  static boolean refersTo(OwnerReference ref, String owner) {
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

  static Map<String, String> data(Secret secret) {
    return nonNull(secret.getData());
  }

  static List<OwnerReference> ownerReferences(Secret secret) {
    List<OwnerReference> refs = secret.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }

  static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
