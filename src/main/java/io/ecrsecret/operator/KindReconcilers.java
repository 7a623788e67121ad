package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.CompatStatus;
import io.ecrsecret.operator.compat.MobbSecret;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reconciler of each kind: {@link PullSecretReconciler} bound to the kind's types, which the
 * framework reads from the reconciler class (its type arguments and its name), so each needs a
 * named class; all they hold is their {@link PullSecretKind}.
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

  /** rh-mobb's kinds take over what its operator made; adopt the rest only where allowed. */
  private static io.ecrsecret.kube.PullSecretWriter.Adoption compatAdoption(
      PullSecretReconciler.Services services) {
    return services.config().compatAdoptOtherSecrets()
        ? io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER_OR_ADOPT
        : io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER;
  }
}
