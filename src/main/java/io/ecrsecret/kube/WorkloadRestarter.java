package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * After a refresh: restarts chosen Deployments (as {@code kubectl rollout restart} does), or,
 * better, deletes only the pods stuck pulling an image from a refreshed registry, so that their
 * controller makes new ones that pull with the fresh secret.
 */
public final class WorkloadRestarter {

  private static final Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull");

  private final KubernetesClient client;

  public WorkloadRestarter(KubernetesClient client) {
    this.client = client;
  }

  /** Restarts the named Deployments that exist; returns those restarted and those missing. */
  public Outcome restartDeployments(String namespace, List<String> names, boolean dryRun) {
    var done = new ArrayList<String>();
    var missing = new ArrayList<String>();
    for (String name : names) {
      var deployment = client.apps().deployments().inNamespace(namespace).withName(name);
      if (deployment.get() == null) {
        missing.add(name);
        continue;
      }
      if (!dryRun) {
        deployment.rolling().restart();
      }
      done.add(name);
    }
    return new Outcome(done, missing);
  }

  /**
   * Deletes pods that a controller owns and that cannot pull an image from one of the hosts;
   * returns the pods deleted. Pods without a controller are left alone: nothing would recreate
   * them.
   */
  public Outcome healPullFailures(String namespace, Set<String> registryHosts, boolean dryRun) {
    var healed = new ArrayList<String>();
    for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
      boolean owned =
          pod.getMetadata().getOwnerReferences() != null
              && pod.getMetadata().getOwnerReferences().stream()
                  .anyMatch(r -> Boolean.TRUE.equals(r.getController()));
      if (owned && stuckPulling(pod, registryHosts)) {
        if (!dryRun) {
          client.pods().inNamespace(namespace).resource(pod).delete();
        }
        healed.add(pod.getMetadata().getName());
      }
    }
    return new Outcome(healed, List.of());
  }

  private static boolean stuckPulling(Pod pod, Set<String> registryHosts) {
    if (pod.getStatus() == null) {
      return false;
    }
    return Stream.concat(
            nonNull(pod.getStatus().getInitContainerStatuses()).stream(),
            nonNull(pod.getStatus().getContainerStatuses()).stream())
        .anyMatch(
            s ->
                s.getState() != null
                    && s.getState().getWaiting() != null
                    && PULL_FAILURES.contains(s.getState().getWaiting().getReason())
                    && registryHosts.contains(imageHost(s)));
  }

  /** The registry host of a container's image ("" for Docker Hub short names). */
  static String imageHost(ContainerStatus status) {
    String image = status.getImage() == null ? "" : status.getImage();
    int slash = image.indexOf('/');
    if (slash < 0) {
      return "";
    }
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":")
        ? first.toLowerCase(java.util.Locale.ROOT)
        : "";
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** The names acted on, and the names not found. */
  public record Outcome(List<String> done, List<String> missing) {}
}
