package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Clean under churn: many resources of one namespace link and unlink the same service account at
 * once, over and over. Their writes to that account conflict (409); each is retried quietly, and
 * the log holds no warning and no stack trace (before, 51 "Uncaught error during event processing"
 * warnings with thousands of stack-trace lines in 5 rounds of 100).
 */
@ExtendWith(SandboxExtension.class)
class ChurnDrillIT {

  static final int RESOURCES = 60;
  static final int ROUNDS = 3;

  @Test
  void linkingAndUnlinkingOneAccountFromManyResourcesLogsNoStackTrace(Sandbox sandbox)
      throws Exception {
    var kube = sandbox.kubernetes().adminClient();
    sandbox.aws().clearFaults();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    TestCluster.installCrds(kube, false);
    String ns = "link-churn";
    TestCluster.namespace(kube, ns, Map.of());
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var seen = new ListAppender<ILoggingEvent>();
    seen.start();
    var config = TestOperatorConfig.named("churn").retryBackoff(Duration.ofSeconds(1)).build();
    try (var operator = OperatorIdentity.start(sandbox.kubernetes(), config)) {
      // from the operator's start to before its stop: what the churn logs
      root.addAppender(seen);
      for (int round = 0; round < ROUNDS; round++) {
        IntStream.range(0, RESOURCES)
            .parallel()
            .forEach(i -> kube.resource(resource(ns, i, sandbox)).create());
        await().atMost(Duration.ofSeconds(120)).until(() -> linked(kube, ns) == RESOURCES);
        kube.resources(EcrPullSecret.class).inNamespace(ns).delete();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class).inNamespace(ns).list().getItems().isEmpty()
                        && linked(kube, ns) == 0);
      }
      root.detachAppender(seen);
    } finally {
      root.detachAppender(seen);
      kube.close();
    }
    List<ILoggingEvent> loud =
        seen.list.stream()
            // ours and the framework's ("Uncaught error during event processing"), not the
            // client's notes on API versions
            .filter(
                e ->
                    e.getLoggerName().startsWith("io.ecrsecret")
                        || e.getLoggerName().startsWith("io.javaoperatorsdk"))
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
            .toList();
    assertThat(loud)
        .as("warnings or stack traces while %d resources churned %d times", RESOURCES, ROUNDS)
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }

  /** How many of our secrets the namespace's default account links. */
  private static long linked(io.fabric8.kubernetes.client.KubernetesClient kube, String ns) {
    var links =
        kube.serviceAccounts().inNamespace(ns).withName("default").get().getImagePullSecrets();
    return links == null
        ? 0
        : links.stream()
            .map(LocalObjectReference::getName)
            .filter(n -> n.startsWith("churn-"))
            .count();
  }

  private static EcrPullSecret resource(String ns, int i, Sandbox sandbox) {
    var resource = new EcrPullSecret();
    resource.getMetadata().setName("r-" + i);
    resource.getMetadata().setNamespace(ns);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setSecretName("churn-" + i);
    spec.setServiceAccounts(List.of("default"));
    resource.setSpec(spec);
    return resource;
  }
}
