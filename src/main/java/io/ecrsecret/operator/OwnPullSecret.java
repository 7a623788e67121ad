package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.ecrsecret.refresh.RefreshSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the operator's own image pull secret valid, where its image comes from a private ECR
 * registry: the secret in the operator's namespace that its pods name in {@code imagePullSecrets}.
 * Only the first pull needs one made by hand; it is adopted (recorded, as {@code adopt: true} does)
 * and refreshed from then on, with the operator's own identity, so that a pod started after 12
 * hours (a new node, a rolling upgrade) still pulls. No custom resource: none would outlive the
 * operator with a finalizer nobody removes. Runs on the leader; one refresh when the token is due,
 * a minute after a failure.
 */
final class OwnPullSecret implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OwnPullSecret.class);
  static final Duration RETRY = Duration.ofMinutes(1);

  private final PullSecretRefresher refresher;
  private final RefreshSpec spec;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            var t = new Thread(r, "own-pull-secret");
            t.setDaemon(true);
            return t;
          });

  OwnPullSecret(
      PullSecretRefresher refresher,
      Clock clock,
      String namespace,
      String secretName,
      List<RegistryRef> registries) {
    this.refresher = refresher;
    this.clock = clock;
    this.spec =
        RefreshSpec.builder(
                registries,
                AwsIdentity.defaultChain(),
                NamespaceSelection.named(namespace),
                "operator/" + namespace + "/own-pull-secret")
            .secretName(secretName)
            // the pods name it themselves; no service account of anyone's is touched
            .serviceAccounts(List.of())
            .builderLink(RefreshSpec.BuilderLink.NEVER)
            .adoption(Adoption.ADOPT)
            .build();
  }

  /** Refreshes now, then whenever the token is due. */
  void start() {
    timer.execute(this::refresh);
  }

  private void refresh() {
    Duration next;
    try {
      RefreshReport report = refresher.refresh(spec);
      NamespaceOutcome outcome = report.namespaces().get(0);
      if (report.succeeded()) {
        next = Duration.between(clock.instant(), report.nextRefreshAt());
        if (!NamespaceOutcome.UNCHANGED.equals(outcome.secretResult())) {
          log.info(
              "Own pull secret {}/{} {}{}; next refresh in {}",
              outcome.namespace(),
              spec.secretName(),
              outcome.secretResult(),
              outcome.adopted() ? " (adopted: it was made by hand)" : "",
              DurationText.format(next.withNanos(0)));
        }
      } else {
        next = RETRY;
        log.warn(
            "Own pull secret {}/{} not refreshed ({}): {}; trying again in {}",
            outcome.namespace(),
            spec.secretName(),
            outcome.reason(),
            String.join("; ", outcome.problems()),
            DurationText.format(next));
      }
    } catch (RuntimeException e) {
      next = RETRY;
      log.warn(
          "Own pull secret not refreshed ({}); trying again in {}",
          DisplayText.clean(e.getMessage(), DisplayText.MESSAGE),
          DurationText.format(next));
    }
    if (next.compareTo(Duration.ofSeconds(1)) < 0) {
      next = Duration.ofSeconds(1);
    }
    if (!timer.isShutdown()) {
      timer.schedule(this::refresh, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
