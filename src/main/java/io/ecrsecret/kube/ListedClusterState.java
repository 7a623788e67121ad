package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The cluster state for a one-shot run (the CLI), which has no informer caches: for a refresh of
 * many namespaces, our secrets (by label) and the service accounts it links (by name) are listed
 * once, across namespaces, in pages; a refresh of one namespace, or one whose rights stop at
 * namespaces, reads each object as it needs it. Either way no namespace costs more than its writes,
 * and a run over 10,000 namespaces costs a few listings, not three reads per namespace.
 */
public final class ListedClusterState implements ClusterState {

  private static final long PAGE = 500;

  private final KubernetesClient client;
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Map<String, ServiceAccount> serviceAccounts = new ConcurrentHashMap<>();
  private final Set<String> listedServiceAccountNames = ConcurrentHashMap.newKeySet();
  private volatile boolean secretsListed;

  public ListedClusterState(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Lists what a refresh of these namespaces will ask about, where one listing is cheaper than a
   * read per namespace; without the right to list across namespaces, reads one by one instead.
   */
  @Override
  public void prepare(Collection<String> namespaces, Collection<String> serviceAccountNames) {
    if (namespaces.size() < 2) {
      return;
    }
    Set<String> wanted = new HashSet<>(namespaces);
    try {
      var managed = new HashMap<String, Secret>();
      pages(
          options ->
              client
                  .secrets()
                  .inAnyNamespace()
                  .withLabel(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY)
                  .list(options),
          s -> {
            if (wanted.contains(s.getMetadata().getNamespace())) {
              managed.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
            }
          });
      managed.forEach((k, s) -> secrets.put(k, TrimmedObjects.secret(s)));
      secretsListed = true;
      for (String name : serviceAccountNames) {
        if (name.equals("*")) {
          continue; // every account of a namespace: listed there when it is served
        }
        pages(
            options ->
                client
                    .serviceAccounts()
                    .inAnyNamespace()
                    .withField("metadata.name", name)
                    .list(options),
            sa -> {
              if (wanted.contains(sa.getMetadata().getNamespace())) {
                serviceAccounts.put(
                    key(sa.getMetadata().getNamespace(), name), TrimmedObjects.serviceAccount(sa));
              }
            });
        listedServiceAccountNames.add(name);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      // a namespace-scoped identity: read each object where it is needed
    }
  }

  /** Every item of a listing, a page at a time (a large cluster is never one huge answer). */
  private static <T extends HasMetadata> void pages(
      Function<ListOptions, KubernetesResourceList<T>> page, Consumer<T> each) {
    String next = null;
    do {
      var options = new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build();
      KubernetesResourceList<T> list = page.apply(options);
      list.getItems().forEach(each);
      next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
      if (next != null && next.isEmpty()) {
        next = null;
      }
    } while (next != null);
  }

  @Override
  public List<Namespace> namespaces(Optional<String> labelSelector) {
    var list =
        labelSelector.isPresent()
            ? client.namespaces().withLabelSelector(labelSelector.get()).list()
            : client.namespaces().list();
    return list.getItems().stream().map(TrimmedObjects::namespace).toList();
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    try {
      return Optional.ofNullable(client.namespaces().withName(name).get())
          .map(TrimmedObjects::namespace);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public Optional<Secret> managedSecret(String namespace, String name) {
    String key = key(namespace, name);
    Secret known = secrets.get(key);
    if (known != null || secretsListed) {
      return Optional.ofNullable(known).filter(ManagedMarkers::isManaged);
    }
    Secret read = client.secrets().inNamespace(namespace).withName(name).get();
    return Optional.ofNullable(read).filter(ManagedMarkers::isManaged).map(TrimmedObjects::secret);
  }

  @Override
  public List<Secret> managedSecretsOf(String owner) {
    return secrets.values().stream()
        .filter(s -> owner.equals(ManagedMarkers.annotation(s, ManagedMarkers.OWNER)))
        .toList();
  }

  @Override
  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    String key = key(namespace, name);
    ServiceAccount known = serviceAccounts.get(key);
    if (known != null || listedServiceAccountNames.contains(name)) {
      return Optional.ofNullable(known);
    }
    return Optional.ofNullable(client.serviceAccounts().inNamespace(namespace).withName(name).get())
        .map(TrimmedObjects::serviceAccount);
  }

  @Override
  public List<String> serviceAccountNames(String namespace) {
    var names = new java.util.ArrayList<String>();
    pages(
        options -> client.serviceAccounts().inNamespace(namespace).list(options),
        sa -> {
          names.add(sa.getMetadata().getName());
          serviceAccounts.putIfAbsent(
              key(namespace, sa.getMetadata().getName()), TrimmedObjects.serviceAccount(sa));
        });
    return names;
  }

  @Override
  public void wrote(Secret before, Secret written) {
    secrets.put(
        key(written.getMetadata().getNamespace(), written.getMetadata().getName()),
        TrimmedObjects.secret(written));
  }

  @Override
  public void wrote(ServiceAccount before, ServiceAccount written) {
    serviceAccounts.put(
        key(written.getMetadata().getNamespace(), written.getMetadata().getName()),
        TrimmedObjects.serviceAccount(written));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
