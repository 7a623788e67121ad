package io.ecrsecret.operator;

import static io.ecrsecret.testing.TestCluster.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.MutableClock;
import io.ecrsecret.testing.RequestLog;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the cluster-wide kind costs the API server, counted on the requests the operator's client
 * sends to the real API server: an event about one namespace costs work there alone, an idle
 * operator sends nothing, and a token renewal is one write per secret.
 */
@ExtendWith(SandboxExtension.class)
class ApiCostIT {

  private static final int NAMESPACES = 300;
  private static final String SECRET = "cost-pull";
  private static final int PER_EVENT = 5;

  @Test
  void eachEventCostsWhatChangedAndIdleCostsNothing(Sandbox sandbox) throws Exception {
    KubernetesClient kube = sandbox.kubernetes().adminClient();
    TestCluster.installCrds(kube, false);
    var clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    sandbox.aws().tokenExpiresAt(clock.instant().plus(Duration.ofHours(12)));
    var pool = Executors.newFixedThreadPool(8);
    try {
      for (var f :
          IntStream.range(0, NAMESPACES)
              .mapToObj(i -> pool.submit(() -> namespace(kube, ns(i), Map.of("cost", "yes"))))
              .toList()) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    namespace(kube, "cost-unrelated", Map.of());
    var log = new RequestLog();
    KubernetesClient operatorClient = log.client(sandbox.kubernetes().kubeconfigYaml());
    var operator =
        OperatorFixture.start(
            sandbox,
            operatorClient,
            OperatorFixture.reconcilingEvery(Duration.ofSeconds(2)),
            clock);
    try {
      kube.resource(clusterResource(sandbox.registry().ecrHost())).create();
      awaitReadyIn(kube, NAMESPACES);
      log.awaitQuiet(Duration.ofSeconds(2));
      System.out.println("bring-up of " + NAMESPACES + " namespaces: " + log.counts());
      // which CRDs are installed: the API versions served, then the kinds of each one wanted
      // that is served (rh-mobb's too, if an earlier test installed them on this cluster)
      assertThat(log.discovery())
          .as("discovery at start")
          .startsWith("/apis", "/apis/ecr-secret-operator.io/v1alpha1")
          .isSubsetOf(
              "/apis",
              "/apis/ecr-secret-operator.io/v1alpha1",
              "/apis/ecr.mobb.redhat.com/v1alpha1")
          .doesNotHaveDuplicates();

      // idle: a simulated 20 minutes, with a reconcile every 2 real seconds
      log.clear();
      for (int step = 0; step < 4; step++) {
        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(2_500);
      }
      assertThat(log.counts()).as("requests while idle").isEmpty();

      log.clear();
      namespace(kube, "cost-new", Map.of("cost", "yes"));
      awaitServed(kube, "cost-new");
      log.awaitQuiet(Duration.ofSeconds(2));
      System.out.println("one new namespace: " + log.counts());
      assertThat(log.total())
          .as("requests for one new namespace: " + log.counts())
          .isBetween(2, PER_EVENT);

      log.clear();
      kube.namespaces()
          .withName("cost-unrelated")
          .edit(
              n -> {
                n.getMetadata().getLabels().put("unrelated", "change");
                return n;
              });
      Thread.sleep(3_000);
      log.awaitQuiet(Duration.ofSeconds(2));
      System.out.println("a label on an unrelated namespace: " + log.counts());
      assertThat(log.total())
          .as("requests for a label on an unrelated namespace: " + log.counts())
          .isLessThanOrEqualTo(PER_EVENT);

      log.clear();
      kube.secrets().inNamespace(ns(7)).withName(SECRET).delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> kube.secrets().inNamespace(ns(7)).withName(SECRET).get() != null);
      log.awaitQuiet(Duration.ofSeconds(2));
      System.out.println("one deleted secret: " + log.counts());
      assertThat(log.total())
          .as("requests for one deleted secret: " + log.counts())
          .isBetween(1, PER_EVENT);

      log.clear();
      kube.serviceAccounts()
          .inNamespace(ns(8))
          .withName("default")
          .edit(
              sa -> {
                sa.getMetadata().setAnnotations(Map.of("tenant", "touched"));
                return sa;
              });
      Thread.sleep(3_000);
      log.awaitQuiet(Duration.ofSeconds(2));
      assertThat(log.counts()).as("requests for a tenant annotating a linked account").isEmpty();

      // the token is renewed: one write per secret, nothing read
      var status = kube.resources(ClusterEcrPullSecret.class).withName("cost").get().getStatus();
      log.clear();
      clock.set(Instant.parse(status.getNextRefreshTime()).plusSeconds(1));
      Instant renewed = clock.instant().plus(Duration.ofHours(12));
      sandbox.aws().tokenExpiresAt(renewed);
      int served = NAMESPACES + 1;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> secretsExpiringAt(kube, renewed) == served);
      log.awaitQuiet(Duration.ofSeconds(2));
      System.out.println("full refresh of " + served + " secrets: " + log.counts());
      assertThat(log.counts().getOrDefault("patch secrets", 0))
          .as("one write per secret: " + log.counts())
          .isEqualTo(served);
      assertThat(log.total())
          .as("a full refresh is N writes plus a constant: " + log.counts())
          .isLessThanOrEqualTo(served + PER_EVENT);

      // a namespace that leaves the selection loses our secret and link
      kube.namespaces()
          .withName(ns(9))
          .edit(
              n -> {
                n.getMetadata().getLabels().remove("cost");
                return n;
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> kube.secrets().inNamespace(ns(9)).withName(SECRET).get() == null);
      await().atMost(Duration.ofSeconds(20)).until(() -> !linked(kube, ns(9)));

      // every namespace still correct
      for (int i = 0; i < NAMESPACES; i++) {
        if (i == 9) {
          continue;
        }
        Secret secret = kube.secrets().inNamespace(ns(i)).withName(SECRET).get();
        assertThat(secret).as(ns(i)).isNotNull();
        assertThat(secret.getMetadata().getAnnotations())
            .as(ns(i))
            .containsEntry(ManagedMarkers.EXPIRES_AT, renewed.toString());
        assertThat(linked(kube, ns(i))).as(ns(i) + " linked").isTrue();
      }
    } finally {
      kube.resources(ClusterEcrPullSecret.class).withName("cost").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kube.resources(ClusterEcrPullSecret.class).withName("cost").get() == null);
      operator.close();
      operatorClient.close();
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      kube.close();
    }
  }

  private static String ns(int i) {
    return "cost-" + i;
  }

  private static ClusterEcrPullSecret clusterResource(String registry) {
    var resource = new ClusterEcrPullSecret();
    resource.getMetadata().setName("cost");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName(SECRET);
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("cost", "yes").build());
    spec.setNamespaces(selector);
    resource.setSpec(spec);
    return resource;
  }

  private static void awaitReadyIn(KubernetesClient kube, int namespaces) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> kube.resources(ClusterEcrPullSecret.class).withName("cost").get(),
            r ->
                r.getStatus() != null
                    && Integer.valueOf(namespaces).equals(r.getStatus().getNamespacesReady()));
  }

  private static void awaitServed(KubernetesClient kube, String ns) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                kube.secrets().inNamespace(ns).withName(SECRET).get() != null && linked(kube, ns));
  }

  private static boolean linked(KubernetesClient kube, String ns) {
    var sa = kube.serviceAccounts().inNamespace(ns).withName("default").get();
    return sa.getImagePullSecrets() != null
        && sa.getImagePullSecrets().stream().anyMatch(r -> SECRET.equals(r.getName()));
  }

  private static long secretsExpiringAt(KubernetesClient kube, Instant expiry) {
    return kube
        .secrets()
        .inAnyNamespace()
        .withLabel(ManagedMarkers.MANAGED_BY_LABEL)
        .list()
        .getItems()
        .stream()
        .filter(s -> SECRET.equals(s.getMetadata().getName()))
        .filter(
            s -> expiry.toString().equals(ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT)))
        .count();
  }
}
