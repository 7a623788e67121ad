package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the CRDs from deploy/crds into the sandbox and runs the operator in this JVM. */
final class OperatorFixture {

  private OperatorFixture() {}

  static OperatorConfig testConfig() {
    return new OperatorConfig(
        List.of(),
        0,
        0,
        false,
        "ecr-secret-operator",
        Optional.empty(),
        List.of(),
        true,
        true,
        Duration.ofHours(1),
        Optional.of("test-operator"),
        Duration.ofSeconds(1));
  }

  static OperatorConfig leaderElected(String identity, String leaseName) {
    var c = testConfig();
    return new OperatorConfig(
        c.watchNamespaces(),
        0,
        0,
        true,
        leaseName,
        Optional.of("default"),
        c.allowedRoleArns(),
        true,
        true,
        c.maxReconcileInterval(),
        Optional.of(identity),
        c.retryBackoff());
  }

  static OperatorConfig reconcilingEvery(Duration interval) {
    var c = testConfig();
    return new OperatorConfig(
        c.watchNamespaces(),
        0,
        0,
        false,
        c.leaseName(),
        c.leaseNamespace(),
        c.allowedRoleArns(),
        true,
        true,
        interval,
        c.identity(),
        c.retryBackoff());
  }

  /** A counter or timer count from a Prometheus scrape (0 when absent). */
  static double metric(String scrape, String nameAndLabels) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(nameAndLabels + " ") || l.startsWith(nameAndLabels + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static void installCrds(KubernetesClient kube) throws Exception {
    try (Stream<Path> files =
        Stream.concat(
            Files.list(Path.of("deploy/crds")), Files.list(Path.of("deploy/crds/compat")))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : kube.load(in).items()) {
            kube.resource(item).serverSideApply();
          }
        }
      }
    }
    for (String crd :
        List.of(
            "ecrpullsecrets.ecr-secret-operator.io",
            "clusterecrpullsecrets.ecr-secret-operator.io",
            "secrets.ecr.mobb.redhat.com",
            "argohelmreposecrets.ecr.mobb.redhat.com")) {
      kube.apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  x.getType().equals("Established")
                                      && x.getStatus().equals("True")),
              30,
              TimeUnit.SECONDS);
    }
  }

  static EcrSecretOperator start(
      Sandbox sandbox, KubernetesClient client, OperatorConfig config, Clock clock) {
    return EcrSecretOperator.start(
        config,
        client,
        clock,
        new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)));
  }

  /** A namespace with the default service account a real cluster's controller would create. */
  static void namespace(KubernetesClient kube, String name, Map<String, String> labels) {
    kube.resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("default")
                .withNamespace(name)
                .endMetadata()
                .build())
        .create();
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
