package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.operator.PullSecretReconciler.Services;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.CompatStatus;
import io.ecrsecret.operator.compat.MobbSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kinds an install serves, and the reconciler of each: {@link PullSecretReconciler} bound to
 * the kind's types, which the framework reads from the reconciler class (its type arguments and its
 * name), so each needs a named class; all they hold is their {@link PullSecretKind}.
 */
final class KindReconcilers {

  private KindReconcilers() {}

  @ControllerConfiguration(name = "ecrpullsecret")
  static final class EcrPullSecrets extends PullSecretReconciler<EcrPullSecret, PullSecretStatus> {
    EcrPullSecrets(Services services) {
      super(new EcrPullSecretKind(), services);
    }
  }

  @ControllerConfiguration(name = "clusterecrpullsecret")
  static final class ClusterEcrPullSecrets
      extends PullSecretReconciler<ClusterEcrPullSecret, PullSecretStatus> {
    ClusterEcrPullSecrets(Services services, Optional<String> operatorNamespace) {
      super(new ClusterEcrPullSecretKind(operatorNamespace), services);
    }
  }

  @ControllerConfiguration(name = "compat-secret")
  static final class MobbSecrets extends PullSecretReconciler<MobbSecret, CompatStatus> {
    MobbSecrets(Services services, Function<Optional<String>, AwsIdentity> identity) {
      super(CompatKind.secrets(identity, compatAdoption(services)), services);
    }
  }

  @ControllerConfiguration(name = "compat-argohelmreposecret")
  static final class ArgoHelmRepoSecrets
      extends PullSecretReconciler<ArgoHelmRepoSecret, CompatStatus> {
    ArgoHelmRepoSecrets(Services services, Function<Optional<String>, AwsIdentity> identity) {
      super(CompatKind.argoHelmRepoSecrets(identity, compatAdoption(services)), services);
    }
  }

  /** A kind the operator can serve: its CRD and how to make its reconciler. */
  record Kind(String label, Class<? extends HasMetadata> resource, String crdFile) {}

  /** The kinds an install serves: ours (the cluster kind only cluster-wide), rh-mobb's if asked. */
  static List<Kind> wanted(OperatorConfig config) {
    var kinds = new ArrayList<Kind>();
    kinds.add(new Kind("EcrPullSecret", EcrPullSecret.class, "deploy/crds/"));
    if (config.watchNamespaces().isEmpty()) {
      // the cluster kind needs cluster-wide rights: served only by a cluster-wide install
      kinds.add(new Kind("ClusterEcrPullSecret", ClusterEcrPullSecret.class, "deploy/crds/"));
    }
    if (config.compat()) {
      kinds.add(new Kind("Secret.ecr.mobb.redhat.com", MobbSecret.class, "deploy/crds/compat/"));
      kinds.add(
          new Kind(
              "ArgoHelmRepoSecret.ecr.mobb.redhat.com",
              ArgoHelmRepoSecret.class,
              "deploy/crds/compat/"));
    }
    return kinds;
  }

  /**
   * Registers a reconciler for each kind: the namespaced ones as {@code namespaced} configures
   * them, the cluster kind on every namespace.
   */
  static void register(
      Operator operator,
      List<Kind> kinds,
      Services services,
      OperatorConfig config,
      Consumer<ControllerConfigurationOverrider<?>> namespaced,
      Function<Optional<String>, AwsIdentity> compatIdentity) {
    for (Kind kind : kinds) {
      if (kind.resource() == EcrPullSecret.class) {
        operator.register(new EcrPullSecrets(services), c -> namespaced.accept(c));
      } else if (kind.resource() == ClusterEcrPullSecret.class) {
        operator.register(
            new ClusterEcrPullSecrets(services, config.leaseNamespace()),
            c ->
                c.watchingAllNamespaces()
                    .withReconciliationMaxInterval(config.maxReconcileInterval())
                    .withRetry(EcrSecretOperator.RETRY));
      } else if (kind.resource() == MobbSecret.class) {
        operator.register(new MobbSecrets(services, compatIdentity), c -> namespaced.accept(c));
      } else {
        operator.register(
            new ArgoHelmRepoSecrets(services, compatIdentity), c -> namespaced.accept(c));
      }
    }
  }

  /**
   * Those of these kinds whose CRD is installed, asking {@code servedKinds} (the kinds the API
   * server serves in an API version, none where it serves no such version) once per API version:
   * rh-mobb's two kinds share one, as do ours.
   */
  static List<Kind> installed(List<Kind> kinds, Function<String, Set<String>> servedKinds) {
    Map<String, Set<String>> served = new HashMap<>();
    return kinds.stream()
        .filter(
            k ->
                served
                    .computeIfAbsent(HasMetadata.getApiVersion(k.resource()), servedKinds)
                    .contains(HasMetadata.getKind(k.resource())))
        .toList();
  }

  static String labels(List<Kind> kinds) {
    return kinds.stream().map(Kind::label).collect(Collectors.joining(", "));
  }

  /** rh-mobb's kinds take over what its operator made; adopt the rest only where allowed. */
  private static io.ecrsecret.kube.PullSecretWriter.Adoption compatAdoption(
      PullSecretReconciler.Services services) {
    return services.config().compatAdoptOtherSecrets()
        ? io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER_OR_ADOPT
        : io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER;
  }
}
