package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.RestartableKubernetesPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An install with only some CRDs (here: only rh-mobb's, as a user who wants only the old kinds
 * would install): the operator serves those, says in one line which are missing and how to install
 * them, and serves a kind as soon as its CRD appears. With none at all it exits with a clear
 * message and no stack trace. On a cluster of its own (CRDs are cluster-wide; the shared one keeps
 * them).
 */
@ExtendWith(SandboxExtension.class)
class MissingCrdsIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void theInstalledKindsAreServedAndAMissingOneAsSoonAsItsCrdAppears(Sandbox sandbox)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (var cluster = RestartableKubernetesPeer.start(ROOT.resolve("target/missing-crds"));
        var controllers =
            NodeCluster.startControllers(cluster, ROOT.resolve("target/missing-crds/controllers"));
        KubernetesClient kube = cluster.adminClient()) {
      var env = Map.of("KUBECONFIG", cluster.kubeconfig().toString());
      try (var none =
          OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election", "--compat"), env)) {
        await("the operator gives up").atMost(Duration.ofSeconds(60)).until(() -> !none.isAlive());
        assertThat(none.log())
            .contains("no CRD of a kind this operator serves is installed", "kubectl apply -f")
            .doesNotContain("Exception", "\tat ");
      }

      apply(kube, "deploy/crds/compat");
      try (var operator =
          OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election", "--compat"), env)) {
        await("serving rh-mobb's kinds")
            .atMost(Duration.ofSeconds(60))
            .until(() -> operator.log().contains("Serving Secret.ecr.mobb.redhat.com"));
        String log = operator.log();
        assertThat(log.lines().filter(l -> l.contains("CRDs are not installed")))
            .as("one line names what is missing and how to install it")
            .singleElement()
            .asString()
            .contains("EcrPullSecret", "ClusterEcrPullSecret", "kubectl apply -f deploy/crds/");
        assertThat(log).doesNotContain("Exception", "Operator will be stopped");
        assertThat(operator.isAlive()).isTrue();

        apply(kube, "deploy/crds");
        TestCluster.namespace(kube, "late-crd", Map.of());
        await("the new kind served")
            .atMost(Duration.ofSeconds(60))
            .until(() -> operator.log().contains("are installed now: serving them too"));
        var resource = new EcrPullSecret();
        resource.getMetadata().setName("pull");
        resource.getMetadata().setNamespace("late-crd");
        var spec = new EcrPullSecret.Spec();
        spec.setRegistries(List.of(sandbox.registry().ecrHost()));
        resource.setSpec(spec);
        kube.resource(resource).create();
        await("its resource Ready")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var r = kube.resource(resource).get();
                  return r.getStatus() != null
                      && r.getStatus().getConditions().stream()
                          .anyMatch(
                              c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
                });
        assertThat(operator.log()).doesNotContain("Exception");
        kube.resource(resource).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> kube.resource(resource).get() == null);
      }
    }
  }

  private static void apply(KubernetesClient kube, String dir) throws Exception {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : kube.load(in).items()) {
            kube.resource(item).serverSideApply();
            TestCluster.awaitEstablished(kube, item.getMetadata().getName());
          }
        }
      }
    }
  }
}
