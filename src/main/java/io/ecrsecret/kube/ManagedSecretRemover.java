package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Removes what an owner created, and nothing else: its secrets (an adopted one only loses our
 * registry entries and markers, keeping what was there before) and the links to them from the
 * service accounts the owner links (a link someone made elsewhere stays).
 */
public final class ManagedSecretRemover {

  private final KubernetesClient client;
  private final ServiceAccountLinker linker;

  public ManagedSecretRemover(KubernetesClient client) {
    this.client = client;
    this.linker = new ServiceAccountLinker(client);
  }

  /**
   * Removes one secret of ours and our links to it, deciding from the cluster state: a secret we
   * created that holds nothing but ours is deleted without a read, after the accounts the owner
   * links are patched (conditional on their cached resource version). One that others put entries
   * into, or that was adopted, is never deleted: it is read, and written back without our part (an
   * adopted one as it was before), and only the links we added go ({@link SecretRelease}). Returns
   * what was done.
   */
  public String remove(Secret cached, ClusterState state, List<String> linkedAccounts) {
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    boolean adopted = "true".equals(ManagedMarkers.annotation(cached, ManagedMarkers.ADOPTED));
    if (!adopted && !SecretRelease.holdsOthersData(cached)) {
      unlink(ns, name, state, linkedAccounts);
      client.secrets().inNamespace(ns).withName(name).delete();
      return "deleted";
    }
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      unlink(ns, name, state, linkedAccounts);
      return "already gone";
    }
    unlink(ns, name, state, SecretRelease.accountsToUnlink(secret, linkedAccounts));
    boolean recorded = AdoptionRecord.in(secret.getData()).isPresent();
    rewrite(
        secret,
        SecretRelease.releasedLabels(secret),
        SecretRelease.releasedData(secret),
        SecretRelease.releasedOwners(secret));
    if (!adopted) {
      return "released (it holds others' entries: ours removed, the rest kept)";
    }
    return recorded
        ? "released (adopted: given back as it was before)"
        : "released (adopted: our entries removed, the rest kept)";
  }

  /** Removes the links of these accounts ({@code *}: every account of the namespace). */
  private void unlink(String ns, String name, ClusterState state, List<String> accounts) {
    for (String account : accounts) {
      if (account.equals("*")) {
        for (String each : state.serviceAccountNames(ns)) {
          linker.unlink(ns, each, name, state);
        }
      } else {
        linker.unlink(ns, account, name, state);
      }
    }
  }

  /**
   * Lets a secret of ours go, as its owner's {@code Retain} policy asks: it stays with its data and
   * its links, without our labels (labels we replaced get their earlier value back), annotations,
   * adoption record and our owner reference, so that nothing manages it any more (another resource
   * may adopt it). Read once, right before the write.
   */
  public String retain(Secret cached, String ownerUid) {
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      return "already gone";
    }
    var data = new HashMap<>(nonNull(secret.getData()));
    data.remove(AdoptionRecord.KEY);
    var owners =
        nonNull(secret.getMetadata().getOwnerReferences()).stream()
            .filter(r -> !r.getUid().equals(ownerUid))
            .toList();
    rewrite(secret, SecretRelease.retainedLabels(secret), data, owners);
    return "retained (no longer managed; its links stay)";
  }

  /**
   * Writes the secret back without our annotations, with these labels, data and owners; the
   * resource version read makes the update fail (409) if someone wrote it in between.
   */
  private void rewrite(
      Secret secret,
      Map<String, String> labels,
      Map<String, String> data,
      List<OwnerReference> owners) {
    var annotations = new TreeMap<>(nonNull(secret.getMetadata().getAnnotations()));
    annotations.keySet().removeIf(k -> k.startsWith(ManagedMarkers.PREFIX));
    client
        .secrets()
        .inNamespace(secret.getMetadata().getNamespace())
        .resource(
            new SecretBuilder(secret)
                .editMetadata()
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(owners)
                .endMetadata()
                .withData(data)
                .build())
        .update();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
