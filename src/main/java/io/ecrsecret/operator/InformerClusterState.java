package io.ecrsecret.operator;

import io.ecrsecret.core.LabelSelectorText;
import io.ecrsecret.kube.ClusterState;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.TrimmedObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * The cluster state of one reconcile, answered from the controller's informer caches: deciding
 * costs no request. Objects come out in the {@link TrimmedObjects} form (the caches of a
 * cluster-wide install hold only that; those of a namespace-list install hold whole objects).
 * Writes are put into the caches at once (and the events they cause are not delivered back to us),
 * so the next reconcile sees them even before the watch does.
 */
final class InformerClusterState implements ClusterState {

  static final String SECRETS = "managed-secrets";
  static final String SERVICE_ACCOUNTS = "service-accounts";
  static final String NAMESPACES = "namespaces";

  private final ResourceID primary;
  private final InformerEventSource<Secret, ?> secrets;
  private final Optional<InformerEventSource<ServiceAccount, ?>> serviceAccounts;
  private final Optional<InformerEventSource<Namespace, ?>> namespaces;

  private InformerClusterState(
      ResourceID primary,
      InformerEventSource<Secret, ?> secrets,
      Optional<InformerEventSource<ServiceAccount, ?>> serviceAccounts,
      Optional<InformerEventSource<Namespace, ?>> namespaces) {
    this.primary = primary;
    this.secrets = secrets;
    this.serviceAccounts = serviceAccounts;
    this.namespaces = namespaces;
  }

  static <P extends HasMetadata> InformerClusterState of(
      P resource, Context<P> context, boolean linksServiceAccounts, boolean watchesNamespaces) {
    var retriever = context.eventSourceRetriever();
    return new InformerClusterState(
        ResourceID.fromResource(resource),
        (InformerEventSource<Secret, ?>) retriever.getEventSourceFor(Secret.class, SECRETS),
        linksServiceAccounts
            ? Optional.of(
                (InformerEventSource<ServiceAccount, ?>)
                    retriever.getEventSourceFor(ServiceAccount.class, SERVICE_ACCOUNTS))
            : Optional.empty(),
        watchesNamespaces
            ? Optional.of(
                (InformerEventSource<Namespace, ?>)
                    retriever.getEventSourceFor(Namespace.class, NAMESPACES))
            : Optional.empty());
  }

  @Override
  public List<Namespace> namespaces(Optional<String> labelSelector) {
    var source =
        namespaces.orElseThrow(
            () -> new IllegalStateException("this kind chooses no namespaces by pattern"));
    var selector = labelSelector.map(LabelSelectorText::parse);
    return source
        .list(ns -> selector.isEmpty() || selector.get().matches(ns.getMetadata().getLabels()))
        .toList();
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    // a namespaced kind watches no Namespace objects (a Role-only install cannot): its own
    // namespace exists while the resource does
    return namespaces.map(source -> source.get(new ResourceID(name))).orElse(null);
  }

  @Override
  public Optional<Secret> managedSecret(String namespace, String name) {
    return secrets.get(new ResourceID(name, namespace)).map(TrimmedObjects::secret);
  }

  @Override
  public List<Secret> managedSecretsOf(String owner) {
    return secrets
        .list(s -> owner.equals(ManagedMarkers.annotation(s, ManagedMarkers.OWNER)))
        .map(TrimmedObjects::secret)
        .toList();
  }

  @Override
  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    return serviceAccounts
        .flatMap(source -> source.get(new ResourceID(name, namespace)))
        .map(TrimmedObjects::serviceAccount);
  }

  @Override
  public List<String> serviceAccountNames(String namespace) {
    return serviceAccounts
        .map(source -> source.list(namespace).map(sa -> sa.getMetadata().getName()).toList())
        .orElse(List.of());
  }

  @Override
  public boolean seesServiceAccountsAppear() {
    return serviceAccounts.isPresent();
  }

  @Override
  public void wrote(Secret before, Secret written) {
    Secret trimmed = TrimmedObjects.secret(written);
    if (before == null) {
      secrets.handleRecentResourceCreate(primary, trimmed);
    } else {
      secrets.handleRecentResourceUpdate(primary, trimmed, before);
    }
  }

  @Override
  public void wrote(ServiceAccount before, ServiceAccount written) {
    serviceAccounts.ifPresent(
        source ->
            source.handleRecentResourceUpdate(
                primary, TrimmedObjects.serviceAccount(written), before));
  }
}
