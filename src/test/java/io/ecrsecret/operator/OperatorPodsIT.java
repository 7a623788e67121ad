package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a cluster with a node: an EcrPullSecret and a ClusterEcrPullSecret, and pods in
 * their namespaces pull images named as ECR names them and run. The service accounts are the
 * controller manager's, made when the namespaces were; nothing links a pod by hand.
 */
@ExtendWith(SandboxExtension.class)
class OperatorPodsIT {

  @Test
  void podsRunOnTheSecretsBothKindsKeep(Sandbox sandbox) throws Exception {
    String image = sandbox.registry().pushBusybox();
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (var cluster =
            NodeCluster.start(
                Path.of("."),
                Path.of("target/node-cluster-operator").toAbsolutePath(),
                sandbox.registry());
        KubernetesClient kube = cluster.adminClient()) {
      TestCluster.installCrds(kube, true);
      try (KubernetesClient operatorClient = cluster.adminClient();
          var operator =
              OperatorFixture.start(
                  sandbox, operatorClient, OperatorFixture.testConfig(), Clock.systemUTC())) {
        TestCluster.namespace(kube, "pods-eps", Map.of());
        var namespaced = new EcrPullSecret();
        namespaced.getMetadata().setName("pull");
        namespaced.getMetadata().setNamespace("pods-eps");
        var spec = new EcrPullSecret.Spec();
        spec.setRegistries(List.of(registry));
        namespaced.setSpec(spec);
        kube.resource(namespaced).create();

        for (String ns : List.of("pods-team-a", "pods-team-b")) {
          TestCluster.namespace(kube, ns, Map.of("ecr-pull", "enabled"));
        }
        var clusterWide = new ClusterEcrPullSecret();
        clusterWide.getMetadata().setName("pods-cluster");
        var clusterSpec = new ClusterPullSecretSpec();
        clusterSpec.setRegistries(List.of(registry));
        clusterSpec.setSecretName("cluster-pull");
        var selector = new NamespaceSelectorSpec();
        selector.setSelector(
            new LabelSelectorBuilder().addToMatchLabels("ecr-pull", "enabled").build());
        clusterSpec.setNamespaces(selector);
        clusterWide.setSpec(clusterSpec);
        kube.resource(clusterWide).create();

        // a pod admitted before its service account holds the link has no pull secret and stays
        // in ImagePullBackOff (healing such pods is the operator's next step): pods come after
        // Ready
        awaitReady(kube, () -> kube.resource(namespaced).get().getStatus());
        awaitReady(kube, () -> kube.resource(clusterWide).get().getStatus());
        for (String ns : List.of("pods-eps", "pods-team-a", "pods-team-b")) {
          kube.resource(Pods.of(ns, "app", image)).create();
        }
        for (String ns : List.of("pods-eps", "pods-team-a", "pods-team-b")) {
          var pod = Pods.await(kube, ns, "app", Pods::running, Duration.ofSeconds(90));
          assertThat(pod.getSpec().getImagePullSecrets())
              .as("admission copied the service account's link into the pod")
              .isNotEmpty();
        }

        // a namespace the selector does not choose gets nothing, and its pod cannot pull
        TestCluster.namespace(kube, "pods-unselected", Map.of());
        kube.resource(Pods.of("pods-unselected", "app", image)).create();
        var refused =
            Pods.await(kube, "pods-unselected", "app", Pods::refusedToPull, Duration.ofSeconds(60));
        assertThat(Pods.waitingMessage(refused)).containsIgnoringCase("401");
        OperatorFixture.deleteAllResources(kube);
      }
    }
  }

  private static void awaitReady(
      KubernetesClient kube,
      java.util.function.Supplier<io.ecrsecret.operator.api.PullSecretStatus> status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      var s = status.get();
      if (s != null
          && StatusBuilder.readyCondition(s).map(c -> c.getStatus().equals("True")).orElse(false)) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("not Ready within 60 s: " + status.get());
  }
}
