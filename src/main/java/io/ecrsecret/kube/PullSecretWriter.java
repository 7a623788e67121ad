package io.ecrsecret.kube;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.StatusReason;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Creates or updates one secret in place: never deleted and recreated, so no pod ever sees it
 * missing; written only when something changed, as decided from the {@link ClusterState}; guarded
 * by the resource version, so that a concurrent change is re-read rather than overwritten; refused
 * when it belongs to someone else.
 */
public final class PullSecretWriter {

  /** A secret of that name exists and nothing manages it. */
  public enum Adoption {
    /** leave it, and say so */
    NEVER,
    /** take it over, keeping its entries for other registries; give it back as it was on release */
    ADOPT,
    /**
     * make it ours, as if we had made it, when it has the type we write and no other controller:
     * what a replaced operator (rh-mobb's) left
     */
    TAKE_OVER,
    /**
     * as {@link #TAKE_OVER} what rh-mobb's operator made; anything else is adopted as with {@link
     * #ADOPT} (recorded, given back as it was on release): where the platform opts in
     */
    TAKE_OVER_OR_ADOPT
  }

  /** What happened to a secret. */
  public enum Result {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * The outcome, with the secret's UID (empty on a dry run that would create it); {@code adopted}
   * when this write took over a secret that nothing managed.
   */
  public record Written(Result result, String uid, boolean adopted) {
    Written(Result result, String uid) {
      this(result, uid, false);
    }
  }

  /** The owner the CLI records: its messages may name its options; a resource's may not. */
  public static final String CLI_OWNER = "cli";

  private final KubernetesClient client;

  public PullSecretWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Puts the content in place, deciding from the cluster state: a secret of ours that is current
   * costs no request; one of ours that only needs our data is patched with the resource version the
   * state holds (one request; a conflict reads it again); everything else (a secret someone else
   * made, one holding entries of others, a type to check) is read first and merged into.
   *
   * @param owner what keeps the secret ({@code cli}, or a custom resource), recorded on it
   * @param adoption what to do with a secret that exists and is not marked as managed
   * @param dryRun decide everything, write nothing
   * @throws SecretConflictException if the secret cannot be written without losing something
   */
  public Written apply(
      String namespace,
      String name,
      SecretContent content,
      String owner,
      Adoption adoption,
      boolean dryRun,
      ClusterState state) {
    Map<String, String> fresh = encode(content.data(Optional.empty()));
    String contentDigest = TrimmedObjects.digest(fresh);
    Optional<Secret> known = state.managedSecret(namespace, name);
    try {
      if (known.isEmpty()) {
        return create(namespace, name, content, owner, fresh, contentDigest, dryRun, state);
      }
      Secret cached = known.get();
      if (current(cached, content, owner, contentDigest)) {
        return new Written(Result.UNCHANGED, cached.getMetadata().getUid());
      }
      if (onlyOurData(cached, content, owner, fresh)) {
        return patch(cached, content, owner, fresh, contentDigest, dryRun, state);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // it exists after all (not ours), or changed since the state saw it: read it and decide
    }
    return readAndApply(namespace, name, content, owner, adoption, dryRun, contentDigest, state);
  }

  /** Whether a secret of ours holds what we would write now, untouched since we wrote it. */
  private static boolean current(
      Secret cached, SecretContent content, String owner, String contentDigest) {
    Map<String, String> annotations = nonNull(cached.getMetadata().getAnnotations());
    Map<String, String> labels = nonNull(cached.getMetadata().getLabels());
    return owner.equals(annotations.get(ManagedMarkers.OWNER))
        && ManagedMarkers.isManaged(cached)
        && Objects.equals(cached.getType(), content.type())
        && contentDigest.equals(annotations.get(ManagedMarkers.CONTENT_DIGEST))
        && Objects.equals(
            annotations.get(ManagedMarkers.DATA_DIGEST),
            annotations.get(TrimmedObjects.OBSERVED_DIGEST))
        && content.annotations().entrySet().stream()
            .allMatch(e -> e.getValue().equals(annotations.get(e.getKey())))
        && ownLabels(content, owner).entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
        && owners(cached, content, owner, true)
            .equals(nonNull(cached.getMetadata().getOwnerReferences()));
  }

  /**
   * Whether a secret of ours holds nothing but what we write: then what we write replaces its data
   * whole, and it need not be read first.
   */
  private static boolean onlyOurData(
      Secret cached, SecretContent content, String owner, Map<String, String> fresh) {
    if (!owner.equals(ManagedMarkers.annotation(cached, ManagedMarkers.OWNER))
        || !ManagedMarkers.isManaged(cached)
        || !Objects.equals(cached.getType(), content.type())
        || !fresh.keySet().containsAll(nonNull(cached.getData()).keySet())) {
      return false;
    }
    String hosts = ManagedMarkers.annotation(cached, TrimmedObjects.OBSERVED_HOSTS);
    if (hosts == null) {
      return !fresh.containsKey(io.ecrsecret.core.DockerConfigJson.KEY)
          || !nonNull(cached.getData()).containsKey(io.ecrsecret.core.DockerConfigJson.KEY);
    }
    if (hosts.equals(TrimmedObjects.UNKNOWN_HOSTS)) {
      return false;
    }
    var ours = new java.util.HashSet<String>();
    String wrote = ManagedMarkers.annotation(cached, ManagedMarkers.REGISTRIES);
    if (wrote != null && !wrote.isBlank()) {
      ours.addAll(Arrays.asList(wrote.split(",")));
    }
    String now = content.annotations().get(ManagedMarkers.REGISTRIES);
    if (now != null && !now.isBlank()) {
      ours.addAll(Arrays.asList(now.split(",")));
    }
    return hosts.isEmpty() || ours.containsAll(Arrays.asList(hosts.split(",")));
  }

  private Written patch(
      Secret cached,
      SecretContent content,
      String owner,
      Map<String, String> fresh,
      String contentDigest,
      boolean dryRun,
      ClusterState state) {
    if (dryRun) {
      return new Written(Result.UPDATED, cached.getMetadata().getUid());
    }
    var metadata = new LinkedHashMap<String, Object>();
    // the resource version makes the patch conditional: a secret changed meanwhile gives 409
    metadata.put("resourceVersion", cached.getMetadata().getResourceVersion());
    metadata.put("labels", ownLabels(content, owner));
    var annotations = new TreeMap<String, String>(content.annotations());
    annotations.put(ManagedMarkers.OWNER, owner);
    annotations.put(ManagedMarkers.CONTENT_DIGEST, contentDigest);
    annotations.put(ManagedMarkers.DATA_DIGEST, contentDigest);
    metadata.put("annotations", annotations);
    List<OwnerReference> owners = owners(cached, content, owner, true);
    if (!owners.equals(nonNull(cached.getMetadata().getOwnerReferences()))) {
      metadata.put("ownerReferences", owners);
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("metadata", metadata);
    body.put("data", fresh);
    Secret patched =
        client
            .secrets()
            .inNamespace(cached.getMetadata().getNamespace())
            // the patch is named by the cached object: no read before it
            .resource(cached)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(body));
    state.wrote(cached, patched);
    return new Written(Result.UPDATED, patched.getMetadata().getUid());
  }

  private Written readAndApply(
      String namespace,
      String name,
      SecretContent content,
      String owner,
      Adoption adoption,
      boolean dryRun,
      String contentDigest,
      ClusterState state) {
    // someone else may write it in between: then it is read again and decided again
    return Conflicts.retry(
        () -> {
          Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
          return existing == null
              ? create(
                  namespace,
                  name,
                  content,
                  owner,
                  encode(content.data(Optional.empty())),
                  contentDigest,
                  dryRun,
                  state)
              : update(existing, content, owner, adoption, dryRun, contentDigest, state);
        });
  }

  private Written create(
      String namespace,
      String name,
      SecretContent content,
      String owner,
      Map<String, String> data,
      String contentDigest,
      boolean dryRun,
      ClusterState state) {
    var annotations = annotations(Map.of(), content, owner);
    annotations.put(ManagedMarkers.CONTENT_DIGEST, contentDigest);
    annotations.put(ManagedMarkers.DATA_DIGEST, TrimmedObjects.digest(data));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(labels(Map.of(), content, owner))
            .withAnnotations(annotations)
            .withOwnerReferences(content.owner().map(List::of).orElse(List.of()))
            .endMetadata()
            .withType(content.type())
            .withData(data)
            .build();
    if (dryRun) {
      return new Written(Result.CREATED, "");
    }
    Secret created = client.secrets().inNamespace(namespace).resource(secret).create();
    state.wrote(null, created);
    return new Written(Result.CREATED, created.getMetadata().getUid());
  }

  private Written update(
      Secret existing,
      SecretContent content,
      String owner,
      Adoption adoption,
      boolean dryRun,
      String contentDigest,
      ClusterState state) {
    String where = existing.getMetadata().getNamespace() + "/" + existing.getMetadata().getName();
    String currentOwner = ManagedMarkers.annotation(existing, ManagedMarkers.OWNER);
    boolean ours = owner.equals(currentOwner);
    boolean managed = ManagedMarkers.isManaged(existing) || currentOwner != null;
    if (!managed && adoption == Adoption.NEVER) {
      throw new SecretConflictException(
          StatusReason.SECRET_NOT_MANAGED.text(),
          "secret "
              + where
              + " exists and is not managed by ecr-secret-operator; it was left as it is. "
              + (owner.equals(CLI_OWNER) ? "Pass --adopt" : "Set spec.adopt: true")
              + " to take it over; entries it holds for other registries are kept. Or choose"
              + " another secret name");
    }
    if (managed && !ours && currentOwner != null) {
      // never taken over, adopt or not: two owners would swap it back and forth, and deleting
      // one would delete what the other keeps
      throw new SecretConflictException(
          StatusReason.SECRET_OWNED_ELSEWHERE.text(),
          "secret "
              + where
              + " is kept by "
              + DisplayText.clean(currentOwner, DisplayText.VALUE * 2)
              + ", not by "
              + owner
              + "; it was left as it is. Choose another secret name, or remove it from "
              + "that owner first (delete that resource, or stop that CronJob and delete the"
              + " secret)");
    }
    if (!Objects.equals(existing.getType(), content.type())) {
      throw new SecretConflictException(
          StatusReason.SECRET_TYPE_MISMATCH.text(),
          "secret "
              + where
              + " has type "
              + existing.getType()
              + " but needs "
              + content.type()
              + "; a secret's type cannot change in place. Delete it or choose another secret name");
    }
    boolean replacedOperators = !managed && madeByReplacedOperator(existing);
    boolean takeOver =
        replacedOperators
            && (adoption == Adoption.TAKE_OVER || adoption == Adoption.TAKE_OVER_OR_ADOPT);
    if (!managed && adoption == Adoption.TAKE_OVER && !replacedOperators) {
      // only what rh-mobb's operator made is taken over as ours: anything else may hold someone's
      // data (a database password under the same name), and a take-over keeps no record of it
      throw new SecretConflictException(
          StatusReason.SECRET_NOT_MANAGED.text(),
          "secret "
              + where
              + " exists and was made neither by rh-mobb's ecr-secret-operator (it has no owner"
              + " reference to one of its ecr.mobb.redhat.com resources) nor by"
              + " ecr-secret-operator; it was left as it is. Choose another generated_secret_name,"
              + " or delete that secret if nothing needs it (or the platform lets rh-mobb's kinds"
              + " adopt such secrets: --compat-adopt-other-secrets, the chart's"
              + " compat.adoptOtherSecrets)");
    }
    if (takeOver) {
      Optional<OwnerReference> controller =
          nonNull(existing.getMetadata().getOwnerReferences()).stream()
              .filter(r -> Boolean.TRUE.equals(r.getController()))
              .filter(r -> !refersTo(r, owner))
              .findFirst();
      if (controller.isPresent()) {
        throw new SecretConflictException(
            StatusReason.SECRET_CONTROLLED_ELSEWHERE.text(),
            "secret "
                + where
                + " is controlled by "
                + DisplayText.clean(
                    controller.get().getKind() + " " + controller.get().getName(),
                    DisplayText.VALUE * 2)
                + "; it was left as it is. Choose another secret name, or remove it from that"
                + " controller first");
      }
    }
    Map<String, String> ourData = encode(content.data(Optional.of(existing)));
    Set<String> othersKeys = new java.util.TreeSet<>(nonNull(existing.getData()).keySet());
    othersKeys.removeAll(ourData.keySet());
    if (!managed && !othersKeys.isEmpty() && !content.mergesIntoOthers()) {
      throw new SecretConflictException(
          StatusReason.SECRET_HOLDS_OTHER_DATA.text(),
          "secret "
              + where
              + " holds other data ("
              + DisplayText.clean(String.join(", ", othersKeys), DisplayText.VALUE * 2)
              + "); adopting it would overwrite what it is for. It was left as it is: choose"
              + " another secret name");
    }
    // keys someone else put in a secret of ours stay
    Map<String, String> data = new HashMap<>(nonNull(existing.getData()));
    data.putAll(ourData);
    Map<String, String> labels = labels(existing.getMetadata().getLabels(), content, owner);
    Map<String, String> annotations =
        annotations(existing.getMetadata().getAnnotations(), content, owner);
    if (!managed && !takeOver) {
      annotations.put(ManagedMarkers.ADOPTED, "true");
      // what was there before, so that releasing the secret gives back exactly that
      data.put(
          AdoptionRecord.KEY,
          AdoptionRecord.of(
                  nonNull(existing.getData()),
                  ourData,
                  nonNull(existing.getMetadata().getLabels()),
                  ownLabels(content, owner),
                  linkedBefore(existing, state))
              .encoded());
    }
    annotations.put(ManagedMarkers.CONTENT_DIGEST, contentDigest);
    annotations.put(ManagedMarkers.DATA_DIGEST, TrimmedObjects.digest(data));
    List<OwnerReference> owners = owners(existing, content, owner, managed || takeOver);
    if (data.equals(nonNull(existing.getData()))
        && owners.equals(nonNull(existing.getMetadata().getOwnerReferences()))
        && labels.equals(nonNull(existing.getMetadata().getLabels()))
        && annotations.equals(nonNull(existing.getMetadata().getAnnotations()))) {
      return new Written(Result.UNCHANGED, existing.getMetadata().getUid());
    }
    if (dryRun) {
      return new Written(Result.UPDATED, existing.getMetadata().getUid(), !managed);
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
    // update() sends the resource version read above: a concurrent write makes it fail with 409
    Secret updated =
        client
            .secrets()
            .inNamespace(existing.getMetadata().getNamespace())
            .resource(desired)
            .update();
    state.wrote(TrimmedObjects.secret(existing), updated);
    return new Written(Result.UPDATED, updated.getMetadata().getUid(), !managed);
  }

  /** The accounts of the secret's namespace that link it now (its links a release leaves). */
  private static List<String> linkedBefore(Secret existing, ClusterState state) {
    String ns = existing.getMetadata().getNamespace();
    String name = existing.getMetadata().getName();
    return state.serviceAccountNames(ns).stream()
        .filter(
            a ->
                state
                    .serviceAccount(ns, a)
                    .filter(
                        sa ->
                            nonNull(sa.getImagePullSecrets()).stream()
                                    .anyMatch(r -> name.equals(r.getName()))
                                || nonNull(sa.getSecrets()).stream()
                                    .anyMatch(r -> name.equals(r.getName())))
                    .isPresent())
        .toList();
  }

  /**
   * What rh-mobb's operator made carries its owner reference to an ecr.mobb.redhat.com resource.
   */
  static boolean madeByReplacedOperator(Secret existing) {
    return nonNull(existing.getMetadata().getOwnerReferences()).stream()
        .anyMatch(r -> r.getApiVersion() != null && r.getApiVersion().startsWith(REPLACED_GROUP));
  }

  private static final String REPLACED_GROUP = "ecr.mobb.redhat.com/";

  /**
   * The secret's owner references: ours as the content asks (one we created gets it, an adopted one
   * never; a resource whose secrets are to be retained removes it), the others' as they are.
   */
  private static List<OwnerReference> owners(
      Secret existing, SecretContent content, String owner, boolean managed) {
    boolean adopted =
        !managed || "true".equals(ManagedMarkers.annotation(existing, ManagedMarkers.ADOPTED));
    List<OwnerReference> owners = new ArrayList<>();
    for (OwnerReference ref : nonNull(existing.getMetadata().getOwnerReferences())) {
      boolean ours = refersTo(ref, owner);
      boolean stillWanted =
          content.owner().filter(o -> !adopted && o.getUid().equals(ref.getUid())).isPresent();
      if (!ours || stillWanted) {
        owners.add(ref);
      }
    }
    content
        .owner()
        .filter(ref -> !adopted && owners.stream().noneMatch(o -> ref.getUid().equals(o.getUid())))
        .ifPresent(owners::add);
    return owners;
  }

  /** Whether an owner reference names the resource that keeps the secret ({@code KIND/NS/NAME}). */
  private static boolean refersTo(OwnerReference ref, String owner) {
    String[] parts = owner.split("/");
    return parts.length == 3 && parts[0].equals(ref.getKind()) && parts[2].equals(ref.getName());
  }

  private static Map<String, String> labels(
      Map<String, String> current, SecretContent content, String owner) {
    var labels = new TreeMap<>(nonNull(current));
    labels.putAll(ownLabels(content, owner));
    return labels;
  }

  /** The labels we set: the content's, the managed-by label and the owner's kind. */
  private static TreeMap<String, String> ownLabels(SecretContent content, String owner) {
    return ManagedMarkers.ownLabels(content.labels(), owner);
  }

  private static TreeMap<String, String> annotations(
      Map<String, String> current, SecretContent content, String owner) {
    var annotations = new TreeMap<>(nonNull(current));
    annotations.putAll(content.annotations());
    annotations.put(ManagedMarkers.OWNER, owner);
    return annotations;
  }

  private static Map<String, String> encode(Map<String, String> plain) {
    var encoded = new HashMap<String, String>();
    plain.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
