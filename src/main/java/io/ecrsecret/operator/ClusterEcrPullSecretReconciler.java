package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keeps the pull secret of a ClusterEcrPullSecret valid in every namespace it selects; a namespace
 * created or relabelled later is served as soon as its event arrives.
 */
@ControllerConfiguration(name = "clusterecrpullsecret")
final class ClusterEcrPullSecretReconciler
    extends PullSecretReconciler<ClusterEcrPullSecret, PullSecretStatus> {

  ClusterEcrPullSecretReconciler(Services services) {
    super(services);
  }

  @Override
  Class<ClusterEcrPullSecret> resourceClass() {
    return ClusterEcrPullSecret.class;
  }

  @Override
  boolean clusterScoped() {
    return true;
  }

  @Override
  AwsIdentity identity(ClusterEcrPullSecret resource) {
    return services.identities().resolve(resource.getSpec().getAws(), Optional.empty());
  }

  @Override
  RefreshSpec refreshSpec(
      ClusterEcrPullSecret resource, AwsIdentity identity, String owner, double jitter) {
    NamespaceSelectorSpec selector = resource.getSpec().getNamespaces();
    if (selector == null) {
      throw new IllegalArgumentException(
          "spec.namespaces is required: choose namespaces by names or a selector");
    }
    var include = nonNull(selector.getNames()).stream().map(NamespacePattern::new).toList();
    var exclude =
        new java.util.ArrayList<>(
            nonNull(selector.getExclude()).stream().map(NamespacePattern::new).toList());
    // Kubernetes' own namespaces and the operator's are left out unless named exactly: a selector
    // that matches everything should not put pull secrets into kube-system
    for (String system : systemNamespaces()) {
      if (include.stream().noneMatch(p -> p.isLiteral() && p.text().equals(system))) {
        exclude.add(new NamespacePattern(system));
      }
    }
    var selection =
        new NamespaceSelection(
            include, SpecMapping.selectorString(selector.getSelector()), exclude);
    // secrets in other namespaces cannot be owned by a cluster-scoped resource: the finalizer
    // removes them
    return SpecMapping.refreshSpec(
        resource.getSpec(), selection, identity, owner, jitter, Optional.empty());
  }

  /** Left out of every selection unless named exactly. */
  static final List<String> SYSTEM_NAMESPACES =
      List.of("kube-system", "kube-public", "kube-node-lease");

  private List<String> systemNamespaces() {
    var all = new java.util.ArrayList<>(SYSTEM_NAMESPACES);
    services.config().leaseNamespace().ifPresent(all::add);
    return all;
  }

  @Override
  List<String> linkedAccounts(ClusterEcrPullSecret resource) {
    return SpecMapping.linkedAccounts(resource.getSpec());
  }

  @Override
  List<ClusterEcrPullSecret> primariesFor(
      EventSourceContext<ClusterEcrPullSecret> context, String namespace) {
    return context.getPrimaryCache().list().toList();
  }

  @Override
  List<EventSource<?, ClusterEcrPullSecret>> moreEventSources(
      EventSourceContext<ClusterEcrPullSecret> context) {
    var namespaces =
        InformerEventSourceConfiguration.from(Namespace.class, ClusterEcrPullSecret.class)
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
    return List.of(new InformerEventSource<>(namespaces, context));
  }

  @Override
  String secretName(ClusterEcrPullSecret resource) {
    return resource.getSpec().getSecretName();
  }

  @Override
  PullSecretStatus newStatus() {
    return new PullSecretStatus();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
