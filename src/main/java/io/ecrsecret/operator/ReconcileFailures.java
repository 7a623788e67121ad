package io.ecrsecret.operator;

import io.ecrsecret.core.DisplayText;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an unknown failure of a reconcile (thrown for the framework to retry) is logged: a known,
 * passing state (a conflict, the API server gone or not ready yet, the operator stopping) in one
 * line without a stack trace; anything else with it.
 */
final class ReconcileFailures {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);

  private ReconcileFailures() {}

  static void log(String owner, Exception e) {
    var kubernetes = kubernetesFailure(e);
    if (kubernetes.isPresent() && kubernetes.get().getCode() == 409) {
      log.info("Conflict writing {} (changed meanwhile); trying again", owner);
    } else if (interrupted(e)) {
      log.debug("Reconcile interrupted: the operator is stopping");
    } else if (kubernetes.isPresent() && kubernetes.get().getCode() <= 0) {
      log.warn(
          "Lost the Kubernetes API server ({}); the framework retries",
          kubernetes.get().getMessage());
    } else if (kubernetes.isPresent() && kubernetes.get().getCode() == 503) {
      // an API server still starting ("the request has been made before all known HTTP paths
      // have been installed") or shedding load: it answers, just not yet
      log.warn(
          "The Kubernetes API server is not ready (HTTP 503: {}); the framework retries",
          DisplayText.clean(
              kubernetes.get().getStatus() == null
                  ? kubernetes.get().getMessage()
                  : kubernetes.get().getStatus().getMessage(),
              DisplayText.VALUE * 2));
    } else {
      log.error("Reconcile failed; the framework retries", e);
    }
  }

  private static Optional<KubernetesClientException> kubernetesFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }
}
