package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Installs the plain manifests and, separately, the Helm chart into the real API server, runs the
 * operator as the installed ServiceAccount (impersonated) with the installed arguments, and runs
 * the operator scenario: it must work with exactly that RBAC, and a namespace-list install must not
 * be able to read a secret outside its namespaces.
 */
@ExtendWith(SandboxExtension.class)
class InstallIT {

  private Sandbox sandbox;
  private KubernetesClient admin;
  private String registry;

  @BeforeEach
  void setUp(Sandbox sandbox) throws Exception {
    this.sandbox = sandbox;
    this.admin = sandbox.kubernetes().adminClient();
    this.registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (Stream<Path> crds =
        Stream.concat(
            Files.list(Path.of("deploy/crds")), Files.list(Path.of("deploy/crds/compat")))) {
      for (Path crd : crds.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Manifests.apply(admin, Manifests.file(admin, crd.toString()));
      }
    }
    // one install at a time: another shape's cluster-wide grant must not help this one
    admin.rbac().clusterRoleBindings().withName("ecr-secret-operator").delete();
    admin.rbac().clusterRoleBindings().withName("helm-ecr-secret-operator").delete();
  }

  @Test
  void plainClusterWideManifestsGrantWhatTheOperatorUses() throws Exception {
    List<HasMetadata> items = Manifests.file(admin, "deploy/operator/cluster-wide.yaml");
    Manifests.apply(admin, items);
    runScenario(items, "plain-cw", true, "ecr-secret-operator", "ecr-secret-operator");
  }

  @Test
  void theTenantRolesLetANamespaceEditorManageEcrPullSecretsThereAndNothingMore() throws Exception {
    List<HasMetadata> items = Manifests.file(admin, "deploy/operator/cluster-wide.yaml");
    Manifests.apply(admin, items);
    for (String ns : List.of("tenant-roles", "tenant-roles-other")) {
      if (admin.namespaces().withName(ns).get() == null) {
        namespace(ns);
      }
    }
    // what Kubernetes' aggregation would give the namespace's editors and viewers, bound directly
    // here (aggregation is the controller manager's work, and this sandbox runs none)
    for (var binding :
        List.of(
            List.of("alice-edit", "ecr-secret-operator-edit", "alice"),
            List.of("bob-view", "ecr-secret-operator-view", "bob"))) {
      admin
          .rbac()
          .roleBindings()
          .inNamespace("tenant-roles")
          .resource(
              new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(binding.get(0))
                  .withNamespace("tenant-roles")
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", binding.get(1))
                  .addNewSubject()
                  .withKind("User")
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withName(binding.get(2))
                  .endSubject()
                  .build())
          .serverSideApply();
    }
    var edit =
        items.stream()
            .filter(i -> i.getMetadata().getName().equals("ecr-secret-operator-edit"))
            .findFirst()
            .orElseThrow();
    assertThat(edit.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    try (KubernetesClient alice = sandbox.kubernetes().clientImpersonating("alice");
        KubernetesClient bob = sandbox.kubernetes().clientImpersonating("bob")) {
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("tenant-made");
      resource.getMetadata().setNamespace("tenant-roles");
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      resource.setSpec(spec);
      alice.resource(resource).dryRun().create();
      assertThat(bob.resources(EcrPullSecret.class).inNamespace("tenant-roles").list().getItems())
          .isNotNull();
      resource.getMetadata().setNamespace("tenant-roles-other");
      assertForbidden(() -> alice.resource(resource).dryRun().create());
      resource.getMetadata().setNamespace("tenant-roles");
      assertForbidden(() -> bob.resource(resource).dryRun().create());
      var cluster = new ClusterEcrPullSecret();
      cluster.getMetadata().setName("tenant-cluster");
      assertForbidden(() -> alice.resource(cluster).dryRun().create());
    }
  }

  private static void assertForbidden(Runnable call) {
    try {
      call.run();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      return;
    }
    throw new AssertionError("expected 403 Forbidden");
  }

  @Test
  void plainNamespacedManifestsGrantWhatTheOperatorUsesAndNoMore() throws Exception {
    for (String ns : List.of("team-a", "team-b")) {
      namespace(ns);
    }
    List<HasMetadata> items = Manifests.file(admin, "deploy/operator/namespaced.yaml");
    Manifests.apply(admin, items);
    runScenario(items, "team-a", false, "ecr-secret-operator", "ecr-secret-operator");
    assertCannotReadOutsideScope("ecr-secret-operator", "ecr-secret-operator");
  }

  @Test
  void helmChartClusterWideGrantsWhatTheOperatorUses() throws Exception {
    var rendered =
        Manifests.helm(
            "template",
            "helm",
            "charts/ecr-secret-operator",
            "--namespace",
            "ecr-helm",
            "--set",
            Manifests.CHART_IMAGE);
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    List<HasMetadata> items = Manifests.load(admin, rendered.output());
    Manifests.apply(admin, items);
    runScenario(items, "helm-cw", true, "ecr-helm", "ecr-secret-operator");
  }

  @Test
  void helmChartWithNamespacesGrantsRolesOnly() throws Exception {
    for (String ns : List.of("helm-team-a", "helm-team-b")) {
      namespace(ns);
    }
    var rendered =
        Manifests.helm(
            "template",
            "helm-ns",
            "charts/ecr-secret-operator",
            "--namespace",
            "ecr-helm-ns",
            "--set",
            "watchNamespaces={helm-team-a,helm-team-b}",
            "--set",
            "crds.install=false",
            "--set",
            Manifests.CHART_IMAGE);
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    List<HasMetadata> items = Manifests.load(admin, rendered.output());
    assertThat(items)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    Manifests.apply(admin, items);
    runScenario(items, "helm-team-a", false, "ecr-helm-ns", "ecr-secret-operator");
    assertCannotReadOutsideScope("ecr-helm-ns", "ecr-secret-operator");
  }

  private void runScenario(
      List<HasMetadata> items,
      String namespace,
      boolean clusterWide,
      String operatorNamespace,
      String serviceAccount) {
    if (admin.namespaces().withName(namespace).get() == null) {
      namespace(namespace);
    }
    var args =
        Manifests.deployment(items)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    List<String> watched =
        args.stream()
            .filter(a -> a.startsWith("--watch-namespace"))
            .map(
                a ->
                    a.contains("=")
                        ? a.substring(a.indexOf('=') + 1)
                        : args.get(args.indexOf(a) + 1))
            .flatMap(v -> Stream.of(v.split(",")))
            .toList();
    assertThat(watched.isEmpty()).as("installed as cluster-wide").isEqualTo(clusterWide);
    var config =
        TestOperatorConfig.named("install-test")
            .watching(watched)
            .leaderElection("install-" + namespace, operatorNamespace)
            .compat()
            .build();
    String user = "system:serviceaccount:" + operatorNamespace + ":" + serviceAccount;
    try (KubernetesClient asOperator =
            sandbox
                .kubernetes()
                .clientImpersonating(
                    user,
                    "system:serviceaccounts",
                    "system:serviceaccounts:" + operatorNamespace,
                    "system:authenticated");
        EcrSecretOperator operator =
            EcrSecretOperator.start(
                config,
                asOperator,
                Clock.systemUTC(),
                new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("install");
      resource.getMetadata().setNamespace(namespace);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      spec.setSecretName("install-pull");
      resource.setSpec(spec);
      admin.resource(resource).create();
      await()
          .atMost(Duration.ofSeconds(45))
          .until(
              () ->
                  admin
                      .resources(EcrPullSecret.class)
                      .inNamespace(namespace)
                      .withName("install")
                      .get(),
              r ->
                  r.getStatus() != null
                      && r.getStatus().getConditions().stream()
                          .anyMatch(
                              c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
      assertThat(admin.secrets().inNamespace(namespace).withName("install-pull").get()).isNotNull();
      assertThat(admin.v1().events().inNamespace(namespace).list().getItems())
          .as("the Ready event was recorded")
          .anyMatch(
              e ->
                  e.getInvolvedObject().getName().equals("install")
                      && e.getReason().equals("SecretReady"));
      admin.resources(EcrPullSecret.class).inNamespace(namespace).withName("install").delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> admin.secrets().inNamespace(namespace).withName("install-pull").get() == null);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  admin
                          .resources(EcrPullSecret.class)
                          .inNamespace(namespace)
                          .withName("install")
                          .get()
                      == null);

      if (clusterWide) {
        var cluster = new ClusterEcrPullSecret();
        cluster.getMetadata().setName("install-" + namespace);
        var cspec = new ClusterPullSecretSpec();
        cspec.setRegistries(List.of(registry));
        cspec.setSecretName("install-cluster-pull");
        var selector = new NamespaceSelectorSpec();
        selector.setNames(List.of(namespace));
        cspec.setNamespaces(selector);
        cluster.setSpec(cspec);
        admin.resource(cluster).create();
        await()
            .atMost(Duration.ofSeconds(45))
            .until(
                () ->
                    admin.secrets().inNamespace(namespace).withName("install-cluster-pull").get()
                        != null);
        admin.resource(cluster).delete();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    admin.secrets().inNamespace(namespace).withName("install-cluster-pull").get()
                        == null);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    admin
                            .resources(ClusterEcrPullSecret.class)
                            .withName("install-" + namespace)
                            .get()
                        == null);
      }
    }
  }

  private void assertCannotReadOutsideScope(String operatorNamespace, String serviceAccount) {
    if (admin.namespaces().withName("outside-scope").get() == null) {
      namespace("outside-scope");
      admin
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("private")
                  .withNamespace("outside-scope")
                  .endMetadata()
                  .withStringData(Map.of("k", "v"))
                  .build())
          .create();
    }
    try (KubernetesClient asOperator =
        sandbox
            .kubernetes()
            .clientImpersonating(
                "system:serviceaccount:" + operatorNamespace + ":" + serviceAccount,
                "system:serviceaccounts",
                "system:serviceaccounts:" + operatorNamespace,
                "system:authenticated")) {
      assertThatThrownBy(
              () -> asOperator.secrets().inNamespace("outside-scope").withName("private").get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> asOperator.secrets().inAnyNamespace().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  private void namespace(String name) {
    admin
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
    TestCluster.awaitDefaultServiceAccount(admin, name);
  }
}
