package io.ecrsecret.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/** Pods on the sandbox's node: made, waited for, and what their containers wait for. */
public final class Pods {

  private Pods() {}

  /** A pod of the image with no pull secret of its own (its service account's links apply). */
  public static Pod of(String ns, String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .withImagePullPolicy("Always") // a cached image would hide a missing secret
        .endContainer()
        .endSpec()
        .build();
  }

  /** A Deployment of one such pod, labelled {@code app: NAME}. */
  public static Deployment deployment(String ns, String name, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withSpec(of(ns, name, image).getSpec())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The pods of a Deployment made by {@link #deployment}, not being deleted. */
  public static java.util.List<Pod> ofApp(KubernetesClient kube, String ns, String app) {
    return kube.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  public static boolean running(Pod p) {
    return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
  }

  /** ErrImagePull or ImagePullBackOff. */
  public static boolean refusedToPull(Pod p) {
    return waitingReason(p).matches("ErrImagePull|ImagePullBackOff");
  }

  public static String waitingReason(Pod p) {
    return waiting(p, true);
  }

  public static String waitingMessage(Pod p) {
    return waiting(p, false);
  }

  private static String waiting(Pod p, boolean reason) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null
        ? ""
        : p.getStatus().getContainerStatuses().stream()
            .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
            .map(
                c ->
                    String.valueOf(
                        reason
                            ? c.getState().getWaiting().getReason()
                            : c.getState().getWaiting().getMessage()))
            .findFirst()
            .orElse("");
  }

  /** Waits until the pod satisfies the condition; fails with its status otherwise. */
  public static Pod await(
      KubernetesClient kube, String ns, String name, Predicate<Pod> condition, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Pod pod = null;
    while (Instant.now().isBefore(deadline)) {
      pod = kube.pods().inNamespace(ns).withName(name).get();
      if (pod != null && condition.test(pod)) {
        return pod;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(
        "pod "
            + ns
            + "/"
            + name
            + " not there within "
            + timeout
            + ": "
            + (pod == null ? "no pod" : pod.getStatus()));
  }
}
