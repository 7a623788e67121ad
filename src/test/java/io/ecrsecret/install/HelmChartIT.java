package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chart lints and renders with the real helm, in each shape its values offer. */
@ExtendWith(SandboxExtension.class)
class HelmChartIT {

  /** The values for a switch from rh-mobb's operator: its kinds, its credentials, its account. */
  @Test
  void theRhMobbValuesServeItsKindsWithItsCredentialsAndItsServiceAccount() throws Exception {
    var rendered =
        Manifests.helm(
            "template",
            "ecr-secret-operator",
            "charts/ecr-secret-operator",
            "--namespace",
            "ecr-secret-operator",
            "-f",
            "charts/ecr-secret-operator/values-rh-mobb.yaml",
            "--set",
            Manifests.CHART_IMAGE);
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    assertThat(rendered.output())
        .contains(
            "ecr.mobb.redhat.com",
            "--compat-credentials-secret=aws-ecr-cloud-credentials",
            "serviceAccountName: ecr-secret-operator-controller-manager",
            "resources: [pods]")
        .as("the CRDs are rh-mobb's, updated with kubectl apply: Helm cannot take them over")
        .doesNotContain("kind: CustomResourceDefinition");
  }

  /**
   * ownPullSecret: the pods name the operator's own pull secret, the operator is told to keep it
   * valid for those registries, and may write that one secret in its namespace (and create it).
   */
  @Test
  void theOwnPullSecretIsNamedByThePodsKeptByTheOperatorAndItsOnlySecretThere() throws Exception {
    assertThat(render().output()).doesNotContain("own-pull-secret");
    var rendered =
        render(
            "--set",
            "ownPullSecret.registries[0]=123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "--set",
            "imagePullSecrets[0].name=first-pull");
    assertThat(rendered.output())
        .contains(
            "imagePullSecrets:\n        - name: first-pull\n        - name: ecr-secret-operator-pull",
            "- --own-pull-secret-registry=123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "- --own-pull-secret=ecr-secret-operator-pull",
            "name: x-ecr-secret-operator-own-pull-secret",
            "resourceNames: [\"ecr-secret-operator-pull\"]");
  }

  /**
   * The chart fences the operator's ServiceAccount of its release with the admission policy where
   * the cluster serves it (1.30+), and leaves it out where it does not, saying so in NOTES.
   */
  @Test
  void theAdmissionPolicyMatchesTheReleasesAccountAndIsSkippedBefore130(Sandbox sandbox)
      throws Exception {
    var rendered = render("--kube-version", "1.31.0");
    assertThat(rendered.output())
        .contains(
            "kind: ValidatingAdmissionPolicy\n",
            "kind: ValidatingAdmissionPolicyBinding",
            "name: x-ecr-secret-operator-writes",
            "policyName: x-ecr-secret-operator-writes",
            "request.userInfo.username == 'system:serviceaccount:ops:ecr-secret-operator'")
        .doesNotContain("system:serviceaccount:ecr-secret-operator:ecr-secret-operator");
    // helm template for an older cluster, and a cluster whose kinds Helm knows without the policy
    assertThat(render("--kube-version", "1.29.4").output())
        .doesNotContain("ValidatingAdmissionPolicy");
    assertThat(render("--kube-version", "1.33.0", "--api-versions", "v1/Namespace").output())
        .doesNotContain("ValidatingAdmissionPolicy");
    assertThat(render("--set", "admissionPolicy.enabled=false").output())
        .doesNotContain("ValidatingAdmissionPolicy");
    // against the sandbox's API server (1.33): the NOTES name the policy that fences it
    var notes = installDryRun(sandbox);
    assertThat(notes.exitCode()).as(notes.output()).isZero();
    assertThat(notes.output())
        .contains("fenced by the ValidatingAdmissionPolicy x-ecr-secret-operator-writes")
        .doesNotContain("NOT installed");
  }

  /**
   * The ServiceMonitor and the PrometheusRule render only where the Prometheus Operator's CRDs are
   * served (an install elsewhere failed whole), and the NOTES say why they are missing.
   */
  @Test
  void monitoringObjectsNeedTheirCrdsAndNotesSaySo(Sandbox sandbox) throws Exception {
    String[] wanted = {
      "--set", "metrics.serviceMonitor.enabled=true", "--set", "prometheusRule.enabled=true"
    };
    assertThat(render(wanted).output())
        .doesNotContain("kind: ServiceMonitor", "kind: PrometheusRule");
    var notes =
        installDryRun(
            sandbox,
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "prometheusRule.enabled=true");
    assertThat(notes.exitCode()).as(notes.output()).isZero();
    assertThat(notes.output())
        .doesNotContain("kind: ServiceMonitor", "kind: PrometheusRule")
        .contains("no ServiceMonitor was created", "no PrometheusRule was created");
  }

  /**
   * {@code helm install --dry-run=client} against the sandbox's API server: its capabilities, and
   * the NOTES. The CRDs other tests applied are not this release's to take over.
   */
  private static Manifests.Helm installDryRun(Sandbox sandbox, String... extra) throws Exception {
    var args =
        new java.util.ArrayList<>(
            List.of(
                "install",
                "x",
                "charts/ecr-secret-operator",
                "--dry-run=client",
                "--kubeconfig",
                sandbox.kubernetes().kubeconfig().toString(),
                "--namespace",
                "ops",
                "--set",
                "crds.install=false",
                "--set",
                Manifests.CHART_IMAGE));
    args.addAll(List.of(extra));
    return Manifests.helm(args.toArray(String[]::new));
  }

  private static Manifests.Helm render(String... extra) throws Exception {
    var args =
        new java.util.ArrayList<>(
            List.of(
                "template",
                "x",
                "charts/ecr-secret-operator",
                "--namespace",
                "ops",
                "--set",
                Manifests.CHART_IMAGE));
    args.addAll(List.of(extra));
    var rendered = Manifests.helm(args.toArray(String[]::new));
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    return rendered;
  }

  @Test
  void chartLintsAndRendersEveryShape(Sandbox sandbox) throws Exception {
    var lint =
        Manifests.helm(
            "lint", "--strict", "charts/ecr-secret-operator", "--set", Manifests.CHART_IMAGE);
    assertThat(lint.exitCode()).as(lint.output()).isZero();

    var all =
        Manifests.helm(
            "template",
            "x",
            "charts/ecr-secret-operator",
            "--namespace",
            "ops",
            "--set",
            "crds.compat=true",
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::111122223333:role/ecr",
            "--set",
            "aws.credentialsSecret=ecr-creds",
            "--set",
            "leaderElection.enabled=false",
            "--set",
            "allowedRoleArns={arn:aws:iam::*:role/ecr-*}",
            "--set",
            "prometheusRule.enabled=true",
            // a cluster with the Prometheus Operator's CRDs
            "--api-versions",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "--api-versions",
            "monitoring.coreos.com/v1/PrometheusRule",
            "--set",
            Manifests.CHART_IMAGE);
    assertThat(all.exitCode()).as(all.output()).isZero();
    assertThat(all.output())
        .contains(
            "kind: ServiceMonitor",
            "kind: PrometheusRule",
            "alert: EcrPullSecretExpiringSoon",
            "alert: EcrPullSecretNotReady",
            "{{ $labels.namespace }}",
            "image: \"registry.test/platform/ecr-secret-operator:"
                + io.ecrsecret.testing.ProjectVersion.fromPom()
                + "\"",
            "secrets.ecr.mobb.redhat.com",
            "eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/ecr",
            "secretKeyRef: {name: ecr-creds, key: AWS_ACCESS_KEY_ID}",
            "--no-leader-election",
            "--allowed-role-arns=arn:aws:iam::*:role/ecr-*")
        .doesNotContain("kind: Lease");

    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      // everything but the ServiceMonitor (no prometheus-operator CRD here) is valid for the API
      // server
      for (HasMetadata item : Manifests.load(kube, all.output())) {
        if (item.getKind().equals("CustomResourceDefinition")) {
          assertThat(item.getMetadata().getAnnotations())
              .as("helm uninstall keeps the CRDs, and with them every resource and its secrets")
              .containsEntry("helm.sh/resource-policy", "keep");
        }
        if (!item.getKind().equals("ServiceMonitor")
            && !item.getKind().equals("PrometheusRule")
            && !item.getKind().equals("CustomResourceDefinition")) {
          if (item.getMetadata().getNamespace() != null
              && kube.namespaces().withName(item.getMetadata().getNamespace()).get() == null) {
            kube.resource(
                    new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName(item.getMetadata().getNamespace())
                        .endMetadata()
                        .build())
                .create();
          }
          kube.resource(item).dryRun().create();
        }
      }
    }
  }

  @Test
  void withoutAnImageTheChartSaysWhatToSet() throws Exception {
    var run = Manifests.helm("template", "x", "charts/ecr-secret-operator");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output()).contains("set image.repository", "docs/install.md");
  }

  @Test
  void aReleaseNamedAfterTheOperatorDoesNotDoubleItsNames() throws Exception {
    var run =
        Manifests.helm(
            "template",
            "ecr-secret-operator",
            "charts/ecr-secret-operator",
            "--set",
            Manifests.CHART_IMAGE);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("name: ecr-secret-operator\n")
        .doesNotContain("ecr-secret-operator-ecr-secret-operator")
        .doesNotContain("https://...");
  }
}
