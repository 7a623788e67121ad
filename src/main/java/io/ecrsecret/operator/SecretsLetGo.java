package io.ecrsecret.operator;

import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets a resource lets go: those it no longer asks for (a namespace left its selection, the
 * secret name changed), and a deleted resource's, removed with our links to them ({@code Delete};
 * an adopted one given back as it was) or kept with their links and no longer managed ({@code
 * Retain}). Decided from the caches, on the refresher's bounded pool.
 */
final class SecretsLetGo {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);

  private SecretsLetGo() {}

  /**
   * @return false where others kept writing the same account or secret (many resources unlinking
   *     from one account at once, 409): a known, passing state, to be tried again shortly
   */
  static boolean ofADeletedResource(
      String owner,
      String uid,
      DesiredState.Footprint footprint,
      InformerClusterState state,
      PullSecretReconciler.Services services) {
    var secrets = state.managedSecretsOf(owner);
    boolean retain = footprint.deletionPolicy() == DeletionPolicy.RETAIN;
    List<PullSecretRefresher.Removed> done;
    try {
      done =
          retain
              ? services.refresher().retain(secrets, services.remover(), uid)
              : services
                  .refresher()
                  .remove(secrets, services.remover(), state, footprint.linkedAccounts());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      log.info("Conflict removing what {} made (changed meanwhile); trying again", owner);
      return false;
    }
    for (var removed : done) {
      services.metrics().forget(removed.namespace(), removed.name());
      log.info(
          "{} secret {}/{} of deleted {}: {}",
          retain ? "Kept" : "Removed",
          removed.namespace(),
          removed.name(),
          owner,
          removed.what());
    }
    return true;
  }

  /**
   * Removes the secrets this resource made that it no longer asks for: in a namespace that left its
   * selection, or under a secret name it no longer uses. Decided from the cache; costs requests
   * only where there is something to remove.
   */
  static void leftBehind(
      DesiredState desired,
      RefreshReport report,
      InformerClusterState state,
      PullSecretReconciler.Services services) {
    String owner = desired.owner();
    Set<String> served =
        report.namespaces().stream().map(NamespaceOutcome::namespace).collect(Collectors.toSet());
    var leftBehind =
        state.managedSecretsOf(owner).stream()
            .filter(
                s ->
                    !served.contains(s.getMetadata().getNamespace())
                        || !s.getMetadata().getName().equals(desired.refresh().secretName()))
            .toList();
    for (var removed :
        services
            .refresher()
            .remove(leftBehind, services.remover(), state, desired.footprint().linkedAccounts())) {
      services.metrics().forget(removed.namespace(), removed.name());
      log.info(
          "Removed secret {}/{}: {} no longer {} it ({})",
          removed.namespace(),
          removed.name(),
          owner,
          served.contains(removed.namespace())
              ? "names"
              : "selects namespace " + removed.namespace() + " for",
          removed.what());
    }
  }
}
