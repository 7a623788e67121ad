package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's pod, as every install shape renders it, is admitted by the API server's
 * PodSecurity admission in a namespace that enforces the restricted level; a pod that is not
 * restricted is refused there (so the check is live).
 */
@ExtendWith(SandboxExtension.class)
class PodSecurityIT {

  @Test
  void everyInstallShapeRunsUnderRestrictedPodSecurity(Sandbox sandbox) throws Exception {
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      kube.resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("restricted")
                  .withLabels(
                      Map.of(
                          "pod-security.kubernetes.io/enforce",
                          "restricted",
                          "pod-security.kubernetes.io/enforce-version",
                          "latest"))
                  .endMetadata()
                  .build())
          .create();
      var plain = Manifests.file(kube, "deploy/operator/cluster-wide.yaml");
      var namespaced = Manifests.file(kube, "deploy/operator/namespaced.yaml");
      var helm =
          Manifests.helm(
              "template",
              "psa",
              "charts/ecr-secret-operator",
              "--namespace",
              "restricted",
              "--set",
              Manifests.CHART_IMAGE);
      assertThat(helm.exitCode()).as(helm.output()).isZero();
      var chart = Manifests.load(kube, helm.output());

      int n = 0;
      for (var items : List.of(plain, namespaced, chart)) {
        PodSpec spec = Manifests.deployment(items).getSpec().getTemplate().getSpec();
        // the pod runs as its install's service account (the ServiceAccount admission wants it)
        kube.resource(
                new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(spec.getServiceAccountName())
                    .withNamespace("restricted")
                    .endMetadata()
                    .build())
            .serverSideApply();
        Pod pod =
            kube.resource(
                    new PodBuilder()
                        .withNewMetadata()
                        .withName("operator-" + n++)
                        .withNamespace("restricted")
                        .endMetadata()
                        .withSpec(spec)
                        .build())
                .dryRun()
                .create(); // admitted, not run: its image is a placeholder
        assertThat(pod.getMetadata().getName()).startsWith("operator-");
      }

      Pod unrestricted =
          new PodBuilder()
              .withNewMetadata()
              .withName("unrestricted")
              .withNamespace("restricted")
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("app")
              .withImage("busybox")
              .endContainer()
              .endSpec()
              .build();
      assertThatThrownBy(() -> kube.resource(unrestricted).dryRun().create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage()).contains("violates PodSecurity \"restricted");
              });
    }
  }
}
