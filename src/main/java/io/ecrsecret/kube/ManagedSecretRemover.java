package io.ecrsecret.kube;

import io.ecrsecret.core.DockerConfigJson;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * Removes one secret of ours and our links to it, deciding from the cluster state: the accounts
   * that link it are patched (conditional on their cached resource version), a secret we created is
   * deleted without a read; only an adopted one is read, to give back what it held. Returns what
   * was done.
   */
  public String remove(Secret cached, ClusterState state, List<String> linkedAccounts) {
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    // only the accounts the owner links: a link someone else made to the same secret stays
    for (String account : linkedAccounts) {
      if (account.equals("*")) {
        for (String each : state.serviceAccountNames(ns)) {
          linker.unlink(ns, each, name, state);
        }
      } else {
        linker.unlink(ns, account, name, state);
      }
    }
    if (!"true".equals(ManagedMarkers.annotation(cached, ManagedMarkers.ADOPTED))) {
      client.secrets().inNamespace(ns).withName(name).delete();
      return "deleted";
    }
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      return "already gone";
    }
    var record = AdoptionRecord.in(secret.getData());
    Map<String, String> data;
    Map<String, String> labels;
    if (record.isPresent()) {
      data = record.get().restoreData(nonNull(secret.getData()));
      labels = record.get().restoreLabels(nonNull(secret.getMetadata().getLabels()));
    } else {
      // adopted before the record was kept: remove our registry entries and markers only
      String registries = ManagedMarkers.annotation(secret, ManagedMarkers.REGISTRIES);
      var released = new HashMap<>(nonNull(secret.getData()));
      SecretData.decoded(secret, DockerConfigJson.KEY)
          .ifPresent(
              json ->
                  released.put(
                      DockerConfigJson.KEY,
                      Base64.getEncoder()
                          .encodeToString(
                              DockerConfigJson.merge(
                                      Optional.of(json),
                                      Map.of(),
                                      registries == null
                                          ? List.of()
                                          : Arrays.asList(registries.split(",")))
                                  .getBytes(StandardCharsets.UTF_8))));
      data = released;
      labels = withoutOurLabels(secret);
    }
    rewrite(secret, labels, data, nonNull(secret.getMetadata().getOwnerReferences()));
    return record.isPresent()
        ? "released (adopted: given back as it was before)"
        : "released (adopted: our entries removed, the rest kept)";
  }

  /**
   * Lets a secret of ours go, as its owner's {@code Retain} policy asks: it stays with its data and
   * its links, without our labels, annotations, adoption record and our owner reference, so that
   * nothing manages it any more (another resource may adopt it). Read once, right before the write.
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
    rewrite(secret, withoutOurLabels(secret), data, owners);
    return "retained (no longer managed; its links stay)";
  }

  private static TreeMap<String, String> withoutOurLabels(Secret secret) {
    var labels = new TreeMap<>(nonNull(secret.getMetadata().getLabels()));
    labels.remove(ManagedMarkers.MANAGED_BY_LABEL);
    labels.remove(ManagedMarkers.OWNER_KIND_LABEL);
    return labels;
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
