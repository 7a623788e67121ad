package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.SecretReference;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant with create rights on Secrets and EcrPullSecrets in one namespace makes 300 identities
 * with made-up keys, then rotates every key twice: the operator process (the real jar, the
 * manifests' JVM flags) keeps its threads and memory flat, because it keeps no client for an
 * identity that failed and never more than a bounded number in all.
 */
@ExtendWith(SandboxExtension.class)
class IdentityChurnDrillIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final int IDENTITIES = 300;
  private static final String NS = "churn";
  private static final int THREADS_BOUND = 15;
  private static final long RSS_BOUND = 64L << 20;
  private static final long LIMIT = 384L << 20;

  @Test
  void threeHundredIdentitiesRotatedTwiceLeaveThreadsAndMemoryFlat(Sandbox sandbox)
      throws Exception {
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, NS, Map.of());
      for (int i = 0; i < IDENTITIES; i++) {
        kube.resource(keys(i, 0)).create();
        kube.resource(resource(i, sandbox.registry().ecrHost())).create();
      }
      try (var operator =
          OperatorProcess.start(
              ROOT, sandbox, List.of("--no-leader-election", "--retry-backoff", "2s"))) {
        awaitAllFailedAtCurrentGeneration(kube);
        Thread.sleep(5_000);
        int threads0 = operator.threads();
        long rss0 = operator.residentBytes();
        System.out.printf(
            "after %d identities: %d threads, RSS %d MiB%n", IDENTITIES, threads0, rss0 >> 20);
        for (int round = 1; round <= 2; round++) {
          for (int i = 0; i < IDENTITIES; i++) {
            kube.resource(keys(i, round)).update();
            String margin = round == 1 ? "2h" : "4h";
            kube.resources(EcrPullSecret.class)
                .inNamespace(NS)
                .withName("pull-" + i)
                .edit(
                    r -> {
                      r.getSpec().setRefreshMargin(margin);
                      return r;
                    });
          }
          awaitAllFailedAtCurrentGeneration(kube);
          int threads = operator.threads();
          long rss = operator.residentBytes();
          System.out.printf(
              "after rotation %d: %d threads, RSS %d MiB%n", round, threads, rss >> 20);
          assertThat(threads)
              .as("threads after rotation " + round)
              .isLessThanOrEqualTo(threads0 + THREADS_BOUND);
          assertThat(rss)
              .as("RSS after rotation " + round)
              .isLessThan(rss0 + RSS_BOUND)
              .isLessThan(LIMIT);
        }
        assertThat(sandbox.aws().requestCountByAccessKey(accessKeyId(IDENTITIES - 1, 2)))
            .as("the last rotated key was really tried at AWS")
            .isPositive();
        TestCluster.deleteResourcesWhileServed(kube, NS, Duration.ofSeconds(120));
      }
    }
  }

  private static String accessKeyId(int i, int round) {
    return String.format("AKIACHURN%dX%05d", round, i);
  }

  private static io.fabric8.kubernetes.api.model.Secret keys(int i, int round) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("keys-" + i)
        .withNamespace(NS)
        .endMetadata()
        .withStringData(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                accessKeyId(i, round),
                "AWS_SECRET_ACCESS_KEY",
                "made-up-secret-" + round + "-" + i))
        .build();
  }

  private static EcrPullSecret resource(int i, String registry) {
    var r = new EcrPullSecret();
    r.getMetadata().setName("pull-" + i);
    r.getMetadata().setNamespace(NS);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setSecretName("pull-" + i);
    spec.setServiceAccounts(List.of());
    var aws = new AwsIdentitySpec();
    var ref = new SecretReference();
    ref.setName("keys-" + i);
    aws.setCredentialsSecret(ref);
    spec.setAws(aws);
    r.setSpec(spec);
    return r;
  }

  private static void awaitAllFailedAtCurrentGeneration(KubernetesClient kube) {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                kube.resources(EcrPullSecret.class).inNamespace(NS).list().getItems().stream()
                        .filter(
                            r ->
                                r.getStatus() != null
                                    && r.getMetadata()
                                        .getGeneration()
                                        .equals(r.getStatus().getObservedGeneration())
                                    && r.getStatus().getConditions().stream()
                                        .anyMatch(
                                            c ->
                                                c.getType().equals("Ready")
                                                    && c.getStatus().equals("False")))
                        .count()
                    == IDENTITIES);
  }
}
