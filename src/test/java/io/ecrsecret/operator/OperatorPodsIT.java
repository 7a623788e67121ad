package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.KubernetesCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a cluster with a node: an EcrPullSecret and a ClusterEcrPullSecret, and pods in
 * their namespaces pull images named as ECR names them and run. The service accounts are the
 * controller manager's, made when the namespaces were; nothing links a pod by hand.
 */
@ExtendWith(SandboxExtension.class)
class OperatorPodsIT {

  private static KubernetesCluster cluster;
  private static KubernetesClient kube;
  private static String image;
  private static String registry;

  @BeforeAll
  static void connect(Sandbox sandbox) throws Exception {
    image = sandbox.image();
    registry = sandbox.registry().ecrHost();
    cluster = sandbox.kubernetes();
    kube = cluster.adminClient();
    TestCluster.installCrds(kube, true);
  }

  @AfterAll
  static void disconnect() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void podsRunOnTheSecretsBothKindsKeep(Sandbox sandbox) throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    {
      try (KubernetesClient operatorClient = OperatorIdentity.client(cluster);
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

  /**
   * {@code healPullFailures: true}: a Deployment's pod stuck in ImagePullBackOff before the
   * resource existed is deleted once the secret is written, and its replacement runs; a bare pod
   * stuck the same way is left (nothing would make it again); one Event names what was deleted.
   */
  @Test
  void podsStuckBeforeTheSecretAreHealedWhenAControllerMakesThemAgain(Sandbox sandbox)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    String ns = "pods-heal-operator";
    try (KubernetesClient operatorClient = OperatorIdentity.client(cluster);
        var operator =
            OperatorFixture.start(
                sandbox, operatorClient, OperatorFixture.testConfig(), Clock.systemUTC())) {
      TestCluster.namespace(kube, ns, Map.of());
      kube.resource(Pods.deployment(ns, "app", image)).create();
      kube.resource(Pods.of(ns, "bare", image)).create();
      await("both pods stuck")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                var pods = kube.pods().inNamespace(ns).list().getItems();
                return pods.size() == 2 && pods.stream().allMatch(Pods::refusedToPull);
              });
      String stuck = Pods.ofApp(kube, ns, "app").get(0).getMetadata().getUid();
      String bare = kube.pods().inNamespace(ns).withName("bare").get().getMetadata().getUid();

      var resource = new EcrPullSecret();
      resource.getMetadata().setName("pull");
      resource.getMetadata().setNamespace(ns);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      spec.setHealPullFailures(true);
      resource.setSpec(spec);
      kube.resource(resource).create();
      awaitReady(kube, () -> kube.resource(resource).get().getStatus());

      await("the Deployment's pod replaced by one that runs")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  Pods.ofApp(kube, ns, "app").stream()
                      .anyMatch(p -> Pods.running(p) && !p.getMetadata().getUid().equals(stuck)));
      assertThat(kube.pods().inNamespace(ns).withName("bare").get().getMetadata().getUid())
          .as("a bare pod is never deleted")
          .isEqualTo(bare);
      var healed =
          kube.v1().events().inNamespace(ns).list().getItems().stream()
              .filter(e -> "PodsHealed".equals(e.getReason()))
              .toList();
      assertThat(healed).hasSize(1);
      assertThat(healed.get(0).getMessage()).contains(ns + "/app-").doesNotContain("/bare");
      OperatorFixture.deleteAllResources(kube);
    }
  }

  /**
   * {@code serviceAccounts: ["*"]}: a service account made after the resource is linked as it
   * appears, and a pod running as it pulls.
   */
  @Test
  void aServiceAccountMadeLaterIsLinkedAndItsPodsPull(Sandbox sandbox) throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    String ns = "pods-every-account";
    try (KubernetesClient operatorClient = OperatorIdentity.client(cluster);
        var operator =
            OperatorFixture.start(
                sandbox, operatorClient, OperatorFixture.testConfig(), Clock.systemUTC())) {
      TestCluster.namespace(kube, ns, Map.of());
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("pull");
      resource.getMetadata().setNamespace(ns);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      spec.setServiceAccounts(List.of("*"));
      resource.setSpec(spec);
      kube.resource(resource).create();
      awaitReady(kube, () -> kube.resource(resource).get().getStatus());

      kube.resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("made-later")
                  .withNamespace(ns)
                  .endMetadata()
                  .build())
          .create();
      await("the new account linked")
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                var sa = kube.serviceAccounts().inNamespace(ns).withName("made-later").get();
                return sa.getImagePullSecrets() != null
                    && sa.getImagePullSecrets().stream()
                        .anyMatch(r -> "ecr-pull-secret".equals(r.getName()));
              });
      var pod = Pods.of(ns, "app", image);
      pod.getSpec().setServiceAccountName("made-later");
      kube.resource(pod).create();
      Pods.await(kube, ns, "app", Pods::running, Duration.ofSeconds(60));
      OperatorFixture.deleteAllResources(kube);
    }
  }

  /**
   * Tokens that last 90 s, refreshed a minute before their end (and not more than once a minute,
   * the operator's floor): a rotation a minute, two or more in the test. Pods made before, between
   * and after them all pull; once the operator is gone and the last token expired, a new pod is
   * refused (so this test can fail).
   */
  @Test
  void podsPullAcrossTokenRotationsAndNotOnceTheOperatorIsGoneAndTheTokenExpired(Sandbox sandbox)
      throws Exception {
    String ns = "pods-rotate";
    sandbox.aws().tokenExpiresIn(Duration.ofSeconds(90));
    try {
      TestCluster.namespace(kube, ns, Map.of());
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("rotating");
      resource.getMetadata().setNamespace(ns);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      spec.setRefreshMargin("1m");
      resource.setSpec(spec);
      var tokens = new java.util.LinkedHashSet<String>();
      try (KubernetesClient operatorClient = OperatorIdentity.client(cluster);
          var operator =
              OperatorFixture.start(
                  sandbox, operatorClient, OperatorFixture.testConfig(), Clock.systemUTC())) {
        kube.resource(resource).create();
        awaitReady(kube, () -> kube.resource(resource).get().getStatus());
        long end = System.currentTimeMillis() + 135_000;
        int n = 0;
        while (System.currentTimeMillis() < end) {
          tokens.add(secretData(ns));
          String name = "p" + n++;
          kube.resource(Pods.of(ns, name, image)).create();
          var pod =
              Pods.await(
                  kube,
                  ns,
                  name,
                  p -> {
                    if (Pods.refusedToPull(p)) {
                      throw new AssertionError(
                          "pod "
                              + name
                              + " refused while the operator runs: "
                              + Pods.waitingMessage(p));
                    }
                    return Pods.running(p);
                  },
                  Duration.ofSeconds(60));
          assertThat(Pods.running(pod)).isTrue();
          tokens.add(secretData(ns));
          Thread.sleep(8_000);
        }
        assertThat(tokens)
            .as("the token was rotated at least twice")
            .hasSizeGreaterThanOrEqualTo(3);
      }
      // the operator is gone; its secret stays, with the last token in it, until that expires
      var secret = kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get();
      var expiresAt =
          java.time.Instant.parse(
              secret.getMetadata().getAnnotations().get("ecr-secret-operator.io/expires-at"));
      Thread.sleep(
          Math.max(0, Duration.between(java.time.Instant.now(), expiresAt).toMillis()) + 2_000);
      kube.resource(Pods.of(ns, "late", image)).create();
      var refused = Pods.await(kube, ns, "late", Pods::refusedToPull, Duration.ofSeconds(60));
      assertThat(Pods.waitingMessage(refused)).containsIgnoringCase("401");
    } finally {
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    }
  }

  private static String secretData(String ns) {
    var secret = kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get();
    return secret == null ? "" : String.valueOf(secret.getData());
  }

  private static void awaitReady(
      KubernetesClient kube,
      java.util.function.Supplier<io.ecrsecret.operator.api.PullSecretStatus> status) {
    await("Ready")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var s = status.get();
              return s != null
                  && StatusBuilder.readyCondition(s)
                      .map(c -> c.getStatus().equals("True"))
                      .orElse(false);
            });
  }
}
