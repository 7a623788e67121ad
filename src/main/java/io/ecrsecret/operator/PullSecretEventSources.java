package io.ecrsecret.operator;

import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The caches a kind decides from, and which of their events wake which resource: its own secrets
 * (by label, each controller only its kind's), the service accounts it links (only those that lack
 * its link), and for the cluster-scoped kind the namespaces.
 */
final class PullSecretEventSources {

  private PullSecretEventSources() {}

  static <R extends CustomResource<?, S>, S extends PullSecretStatus> List<EventSource<?, R>> of(
      PullSecretKind<R, S> kind, List<String> watchNamespaces, EventSourceContext<R> context) {
    var sources = new ArrayList<EventSource<?, R>>();
    Class<R> resourceClass = kind.resourceClass();
    String kindName = HasMetadata.getKind(resourceClass);
    // namespaced kinds watch their own namespaces (a Role-only install works); the cluster kind all
    var secrets =
        InformerEventSourceConfiguration.from(Secret.class, resourceClass)
            .withName(InformerClusterState.SECRETS)
            // only this kind's secrets: each controller caches its own, not every controller all
            .withLabelSelector(
                ManagedMarkers.MANAGED_BY_LABEL
                    + "="
                    + ManagedMarkers.MANAGED_BY
                    + ","
                    + ManagedMarkers.OWNER_KIND_LABEL
                    + "="
                    + kindName)
            .withSecondaryToPrimaryMapper(s -> ownerIds(s, kindName));
    var serviceAccounts =
        InformerEventSourceConfiguration.from(ServiceAccount.class, resourceClass)
            .withName(InformerClusterState.SERVICE_ACCOUNTS)
            // an account that has our link already needs nothing: a tenant annotating or
            // relabelling its service accounts wakes no one
            .withSecondaryToPrimaryMapper(
                sa ->
                    primariesFor(kind, context, sa.getMetadata().getNamespace()).stream()
                        .filter(r -> lacksLink(kind.footprint(r), sa))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    if (kind.clusterScoped() || watchNamespaces.isEmpty()) {
      secrets.withWatchAllNamespaces().withItemStore(TrimmedCache.secrets());
      serviceAccounts.withWatchAllNamespaces().withItemStore(TrimmedCache.serviceAccounts());
    } else {
      // one informer per namespace here, and an item store would be shared by all of them (each
      // one's relist would drop the others' objects): these caches hold whole objects, trimmed
      // when read (InformerClusterState); a namespace list is small
      // named, not inherited: the controller's namespaces are set by an overrider after the
      // event sources are configured, and the caches are what reconciles decide from
      secrets.withNamespaces(Set.copyOf(watchNamespaces));
      serviceAccounts.withNamespaces(Set.copyOf(watchNamespaces));
    }
    sources.add(new InformerEventSource<>(secrets.build(), context));
    if (kind.linksServiceAccounts()) {
      sources.add(new InformerEventSource<>(serviceAccounts.build(), context));
    }
    if (kind.clusterScoped()) {
      var namespaces =
          InformerEventSourceConfiguration.from(Namespace.class, resourceClass)
              .withName(InformerClusterState.NAMESPACES)
              .withItemStore(TrimmedCache.namespaces())
              .withSecondaryToPrimaryMapper(
                  ns ->
                      context
                          .getPrimaryCache()
                          .list()
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet()))
              .build();
      sources.add(new InformerEventSource<>(namespaces, context));
    }
    return sources;
  }

  /** Whether the resource links this account and the account lacks the link. */
  private static boolean lacksLink(DesiredState.Footprint footprint, ServiceAccount sa) {
    String name = sa.getMetadata().getName();
    List<String> accounts = footprint.linkedAccounts();
    return (accounts.contains(name) || accounts.contains(RefreshSpec.ALL_SERVICE_ACCOUNTS))
        && !ServiceAccountLinker.isLinked(
            sa, footprint.secretName(), ServiceAccountLinker.BUILDER.equals(name));
  }

  /** The resources that may care about a namespace's service accounts. */
  private static <R extends CustomResource<?, S>, S extends PullSecretStatus> List<R> primariesFor(
      PullSecretKind<R, S> kind, EventSourceContext<R> context, String namespace) {
    return kind.clusterScoped()
        ? context.getPrimaryCache().list().toList()
        : context.getPrimaryCache().list(namespace).toList();
  }

  /** The resource (of this kind) a managed secret belongs to, from its owner annotation. */
  static Set<ResourceID> ownerIds(Secret secret, String kind) {
    String owner = ManagedMarkers.annotation(secret, ManagedMarkers.OWNER);
    if (owner == null || !owner.startsWith(kind + "/")) {
      return Set.of();
    }
    String[] parts = owner.split("/");
    return parts.length == 3
        ? Set.of(new ResourceID(parts[2], parts[1]))
        : parts.length == 2 ? Set.of(new ResourceID(parts[1])) : Set.of();
  }
}
