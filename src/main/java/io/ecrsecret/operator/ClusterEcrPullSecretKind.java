package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.LabelSelectorText;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A ClusterEcrPullSecret: the pull secret of every namespace it selects; a namespace created or
 * relabelled later is served as soon as its event arrives.
 */
final class ClusterEcrPullSecretKind
    implements PullSecretKind<ClusterEcrPullSecret, PullSecretStatus> {

  /** Left out of every selection unless named exactly. */
  static final List<String> SYSTEM_NAMESPACES =
      List.of("kube-system", "kube-public", "kube-node-lease");

  private final List<String> systemNamespaces;

  /**
   * @param operatorNamespace the operator's own namespace, left out like Kubernetes' own
   */
  ClusterEcrPullSecretKind(Optional<String> operatorNamespace) {
    var all = new ArrayList<>(SYSTEM_NAMESPACES);
    operatorNamespace.ifPresent(all::add);
    this.systemNamespaces = List.copyOf(all);
  }

  @Override
  public Class<ClusterEcrPullSecret> resourceClass() {
    return ClusterEcrPullSecret.class;
  }

  @Override
  public boolean clusterScoped() {
    return true;
  }

  @Override
  public AwsIdentity identity(
      ClusterEcrPullSecret resource,
      IdentityResolver identities,
      IdentityResolver.ServiceAccounts accounts) {
    return SpecException.reading(
        "", () -> identities.resolve(resource.getSpec().getAws(), Optional.empty(), accounts));
  }

  @Override
  public RefreshSpec.Builder refresh(
      ClusterEcrPullSecret resource, AwsIdentity identity, String owner) {
    NamespaceSelectorSpec selector = resource.getSpec().getNamespaces();
    if (selector == null) {
      throw new SpecException(
          "spec.namespaces is required: choose namespaces by names or a selector");
    }
    var include =
        SpecException.reading(
            "spec.namespaces.names",
            () -> nonNull(selector.getNames()).stream().map(NamespacePattern::new).toList());
    var exclude =
        new ArrayList<>(
            SpecException.reading(
                "spec.namespaces.exclude",
                () -> nonNull(selector.getExclude()).stream().map(NamespacePattern::new).toList()));
    // Kubernetes' own namespaces and the operator's are left out unless named exactly: a selector
    // that matches everything should not put pull secrets into kube-system
    for (String system : systemNamespaces) {
      if (include.stream().noneMatch(p -> p.isLiteral() && p.text().equals(system))) {
        exclude.add(new NamespacePattern(system));
      }
    }
    var selectorText =
        SpecException.reading(
            "spec.namespaces.selector",
            () -> {
              var text = SpecMapping.selectorString(selector.getSelector());
              text.ifPresent(LabelSelectorText::parse); // a key Kubernetes would refuse, now
              return text;
            });
    var selection = new NamespaceSelection(include, selectorText, exclude);
    return SpecMapping.refresh(resource.getSpec(), selection, identity, owner);
  }

  @Override
  public Optional<io.ecrsecret.core.ImageReference> verifyImage(ClusterEcrPullSecret resource) {
    return SpecMapping.verifyImage(resource.getSpec());
  }

  @Override
  public DesiredState.Footprint footprint(ClusterEcrPullSecret resource) {
    return SpecMapping.footprint(resource.getSpec());
  }

  @Override
  public PullSecretStatus newStatus() {
    return new PullSecretStatus();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
