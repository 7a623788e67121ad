package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.CompatStatus;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.refresh.RefreshSpec;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Seed 003's kinds ({@code ecr.mobb.redhat.com/v1alpha1} Secret and ArgoHelmRepoSecret), served as
 * a drop-in replacement: the same secrets, made with the operator's own AWS identity as that
 * operator did, but refreshed from the token's expiry (and at least every {@code frequency}),
 * through the shared token cache, with status, events and clean-up.
 */
final class CompatReconcilers {

  private CompatReconcilers() {}

  static RefreshSpec spec(
      String namespace,
      String secretName,
      String registry,
      OutputFormat format,
      Optional<String> url,
      AwsIdentity identity,
      String owner,
      double jitter) {
    return new RefreshSpec(
        List.of(RegistryRef.parse(registry)),
        secretName,
        format,
        url,
        identity,
        NamespaceSelection.named(namespace),
        false,
        List.of(),
        RefreshSpec.BuilderLink.NEVER,
        false,
        false,
        List.of(),
        false,
        owner,
        RefreshPolicy.DEFAULT.margin(),
        jitter);
  }

  static Optional<Duration> frequency(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Duration d = DurationText.parse(text);
    return d.compareTo(Duration.ofMinutes(1)) < 0
        ? Optional.of(Duration.ofMinutes(1))
        : Optional.of(d);
  }

  static void finish(CompatStatus status, SyncResult result) {
    status.setPhase(result.ready() ? "Updated" : "Error");
    status.setLastUpdatedTime(status.getLastRefreshTime());
  }

  /** {@code ecr.mobb.redhat.com/v1alpha1} {@code Secret}: a docker config secret. */
  @ControllerConfiguration(name = "compat-secret")
  static final class Secrets extends PullSecretReconciler<MobbSecret, CompatStatus> {
    Secrets(Services services) {
      super(services);
    }

    @Override
    Class<MobbSecret> resourceClass() {
      return MobbSecret.class;
    }

    @Override
    boolean clusterScoped() {
      return false;
    }

    @Override
    AwsIdentity identity(MobbSecret resource) {
      return services
          .identities()
          .resolve(null, Optional.of(resource.getMetadata().getNamespace()));
    }

    @Override
    RefreshSpec refreshSpec(
        MobbSecret resource, AwsIdentity identity, String owner, double jitter) {
      var spec = resource.getSpec();
      return spec(
          resource.getMetadata().getNamespace(),
          spec.getGeneratedSecretName(),
          spec.getEcrRegistry(),
          OutputFormat.DOCKERCONFIGJSON,
          Optional.empty(),
          identity,
          owner,
          jitter);
    }

    @Override
    Optional<Duration> refreshAtLeastEvery(MobbSecret resource) {
      return frequency(resource.getSpec().getFrequency());
    }

    @Override
    boolean linksServiceAccount(MobbSecret resource, String serviceAccount) {
      return false;
    }

    @Override
    String secretName(MobbSecret resource) {
      return resource.getSpec().getGeneratedSecretName();
    }

    @Override
    CompatStatus newStatus() {
      return new CompatStatus();
    }

    @Override
    void finishStatus(CompatStatus status, SyncResult result) {
      finish(status, result);
    }
  }

  /** {@code ArgoHelmRepoSecret}: an Argo CD repository secret for Helm charts in ECR. */
  @ControllerConfiguration(name = "compat-argohelmreposecret")
  static final class ArgoHelmRepoSecrets
      extends PullSecretReconciler<ArgoHelmRepoSecret, CompatStatus> {
    ArgoHelmRepoSecrets(Services services) {
      super(services);
    }

    @Override
    Class<ArgoHelmRepoSecret> resourceClass() {
      return ArgoHelmRepoSecret.class;
    }

    @Override
    boolean clusterScoped() {
      return false;
    }

    @Override
    AwsIdentity identity(ArgoHelmRepoSecret resource) {
      return services
          .identities()
          .resolve(null, Optional.of(resource.getMetadata().getNamespace()));
    }

    @Override
    RefreshSpec refreshSpec(
        ArgoHelmRepoSecret resource, AwsIdentity identity, String owner, double jitter) {
      var spec = resource.getSpec();
      return spec(
          resource.getMetadata().getNamespace(),
          spec.getGeneratedSecretName(),
          spec.getUrl(),
          OutputFormat.ARGOCD_HELM,
          Optional.of(spec.getUrl()),
          identity,
          owner,
          jitter);
    }

    @Override
    Optional<Duration> refreshAtLeastEvery(ArgoHelmRepoSecret resource) {
      return frequency(resource.getSpec().getFrequency());
    }

    @Override
    boolean linksServiceAccount(ArgoHelmRepoSecret resource, String serviceAccount) {
      return false;
    }

    @Override
    String secretName(ArgoHelmRepoSecret resource) {
      return resource.getSpec().getGeneratedSecretName();
    }

    @Override
    CompatStatus newStatus() {
      return new CompatStatus();
    }

    @Override
    void finishStatus(CompatStatus status, SyncResult result) {
      finish(status, result);
    }
  }
}
