package io.ecrsecret.operator;

import static io.ecrsecret.operator.OperatorFixture.metric;
import static io.ecrsecret.testing.TestCluster.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas with leader election: only the leader writes; the other takes over when it stops.
 */
@ExtendWith(SandboxExtension.class)
class OperatorLeaderElectionIT {

  private static final String LEASE = "ecr-secret-operator-le-test";

  @Test
  void twoReplicasNeverBothWriteAndTheStandbyTakesOver(Sandbox sandbox) throws Exception {
    var kube = sandbox.kubernetes().adminClient();
    // whatever test ran before: tokens that last (the emulator's own expire in 2015)
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    TestCluster.installCrds(kube, true);
    KubernetesClient clientA = OperatorIdentity.client(sandbox.kubernetes());
    KubernetesClient clientB = OperatorIdentity.client(sandbox.kubernetes());
    var a =
        OperatorFixture.start(
            sandbox, clientA, OperatorFixture.leaderElected("replica-a", LEASE), Clock.systemUTC());
    var b =
        OperatorFixture.start(
            sandbox, clientB, OperatorFixture.leaderElected("replica-b", LEASE), Clock.systemUTC());
    EcrSecretOperator survivor = null;
    try {
      String leader =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> holder(kube),
                  h -> h != null && List.of("replica-a", "replica-b").contains(h));
      var leading = leader.equals("replica-a") ? a : b;
      var standby = leader.equals("replica-a") ? b : a;
      survivor = standby;

      namespace(kube, "le-one", Map.of());
      kube.resource(resource("le-one")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> kube.secrets().inNamespace("le-one").withName("ecr-pull-secret").get() != null);
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> metric(leading.scrape(), "ecr_secret_reconcile_seconds_count") > 0);
      await("the standby reconciles nothing")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4))
          .until(() -> metric(standby.scrape(), "ecr_secret_reconcile_seconds_count") == 0);
      assertThat(metric(standby.scrape(), "ecr_secret_refreshes_total")).isZero();

      long stoppedAt = System.nanoTime();
      leading.close();
      String next =
          await()
              .atMost(Duration.ofSeconds(40))
              .until(() -> holder(kube), h -> h != null && !h.equals(leader));
      Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
      System.out.println(
          "leader takeover after the leader stopped: " + takeover.toMillis() + " ms");
      assertThat(next).isNotEqualTo(leader);

      namespace(kube, "le-two", Map.of());
      kube.resource(resource("le-two")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> kube.secrets().inNamespace("le-two").withName("ecr-pull-secret").get() != null);
      assertThat(metric(standby.scrape(), "ecr_secret_refreshes_total")).isPositive();
    } finally {
      OperatorFixture.deleteAllResources(kube);
      a.close();
      b.close();
      clientA.close();
      clientB.close();
      kube.leases().inNamespace("default").withName(LEASE).delete();
      kube.close();
    }
  }

  private static String holder(KubernetesClient kube) {
    var lease = kube.leases().inNamespace("default").withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static EcrPullSecret resource(String ns) {
    var r = new EcrPullSecret();
    r.getMetadata().setName("pull");
    r.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
    r.setSpec(spec);
    return r;
  }
}
