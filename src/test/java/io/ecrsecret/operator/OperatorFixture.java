package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;

/** Installs the CRDs from deploy/crds into the sandbox and runs the operator in this JVM. */
final class OperatorFixture {

  private OperatorFixture() {}

  static OperatorConfig testConfig() {
    return TestOperatorConfig.named("ecr-secret-operator")
        .identity("test-operator")
        .compat()
        .build();
  }

  static OperatorConfig leaderElected(String identity, String leaseName) {
    return TestOperatorConfig.named(leaseName)
        .leaderElection(leaseName, "default")
        .identity(identity)
        .compat()
        .build();
  }

  static OperatorConfig reconcilingEvery(Duration interval) {
    return TestOperatorConfig.named("ecr-secret-operator")
        .identity("test-operator")
        .compat()
        .maxReconcileInterval(interval)
        .build();
  }

  /** A counter or timer count from a Prometheus scrape (0 when absent). */
  static double metric(String scrape, String nameAndLabels) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(nameAndLabels + " ") || l.startsWith(nameAndLabels + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static EcrSecretOperator start(
      Sandbox sandbox, KubernetesClient client, OperatorConfig config, Clock clock) {
    return EcrSecretOperator.start(
        config,
        client,
        clock,
        new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)));
  }

  /** Deletes every resource of ours (the operator, still running, removes the finalizers). */
  static void deleteAllResources(KubernetesClient kube) {
    kube.resources(EcrPullSecret.class).inAnyNamespace().delete();
    kube.resources(ClusterEcrPullSecret.class).delete();
    kube.resources(MobbSecret.class).inAnyNamespace().delete();
    kube.resources(ArgoHelmRepoSecret.class).inAnyNamespace().delete();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline
        && (!kube.resources(EcrPullSecret.class).inAnyNamespace().list().getItems().isEmpty()
            || !kube.resources(ClusterEcrPullSecret.class).list().getItems().isEmpty()
            || !kube.resources(MobbSecret.class).inAnyNamespace().list().getItems().isEmpty()
            || !kube.resources(ArgoHelmRepoSecret.class)
                .inAnyNamespace()
                .list()
                .getItems()
                .isEmpty())) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
