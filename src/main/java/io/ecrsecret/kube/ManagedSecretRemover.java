package io.ecrsecret.kube;

import io.ecrsecret.core.DockerConfigJson;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Removes what an owner created, and nothing else: its secrets (an adopted one only loses our
 * registry entries and markers, keeping what was there before) and the service-account links to
 * them.
 */
public final class ManagedSecretRemover {

  private final KubernetesClient client;
  private final ServiceAccountLinker linker;

  public ManagedSecretRemover(KubernetesClient client) {
    this.client = client;
    this.linker = new ServiceAccountLinker(client);
  }

  /** The secrets kept by this owner, in one namespace or (empty) all. */
  public List<Secret> secretsOf(String owner, Optional<String> namespace) {
    var secrets =
        namespace.isPresent()
            ? client
                .secrets()
                .inNamespace(namespace.get())
                .withLabel(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY)
                .list()
            : client
                .secrets()
                .inAnyNamespace()
                .withLabel(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY)
                .list();
    return secrets.getItems().stream()
        .filter(s -> owner.equals(ManagedMarkers.annotation(s, ManagedMarkers.OWNER)))
        .toList();
  }

  /** A secret as the API server holds it now, or null. */
  public Secret read(String namespace, String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  /** Removes one secret of ours and the links to it; returns what was done. */
  public String remove(Secret secret) {
    String ns = secret.getMetadata().getNamespace();
    String name = secret.getMetadata().getName();
    for (ServiceAccount sa : client.serviceAccounts().inNamespace(ns).list().getItems()) {
      boolean linked =
          (sa.getImagePullSecrets() != null
                  && sa.getImagePullSecrets().stream().anyMatch(r -> name.equals(r.getName())))
              || (sa.getSecrets() != null
                  && sa.getSecrets().stream().anyMatch(r -> name.equals(r.getName())));
      if (linked) {
        linker.unlink(ns, sa.getMetadata().getName(), name);
      }
    }
    if (!"true".equals(ManagedMarkers.annotation(secret, ManagedMarkers.ADOPTED))) {
      client.secrets().inNamespace(ns).withName(name).delete();
      return "deleted";
    }
    String registries = ManagedMarkers.annotation(secret, ManagedMarkers.REGISTRIES);
    Map<String, String> data =
        new HashMap<>(secret.getData() == null ? Map.of() : secret.getData());
    PullSecretWriter.decoded(secret, DockerConfigJson.KEY)
        .ifPresent(
            json ->
                data.put(
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
    var labels = new TreeMap<>(secret.getMetadata().getLabels());
    labels.remove(ManagedMarkers.MANAGED_BY_LABEL);
    var annotations = new TreeMap<>(secret.getMetadata().getAnnotations());
    new ArrayList<>(annotations.keySet())
        .stream().filter(k -> k.startsWith(ManagedMarkers.PREFIX)).forEach(annotations::remove);
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder(secret)
                .editMetadata()
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withData(data)
                .build())
        .update();
    return "released (adopted: our entries removed, the rest kept)";
  }
}
