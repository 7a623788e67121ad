package io.ecrsecret.operator;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Events (and log lines) a reconcile gives: one per distinct change of a condition ({@link
 * Announcements}), and one for what it did beyond its own secrets.
 */
final class ReconcileEvents {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);

  /** At most this many pods or namespaces are named in one Event. */
  private static final int NAMED = 10;

  private final EventRecorder events;
  private final Announcements announcements = new Announcements();

  ReconcileEvents(EventRecorder events) {
    this.events = events;
  }

  /** One Event per distinct change of the Ready and Linked conditions. */
  void announce(HasMetadata resource, PullSecretStatus previous, SyncResult result) {
    String uid = resource.getMetadata().getUid();
    if (announcements.isNew(
        uid,
        StatusBuilder.READY,
        StatusBuilder.readyCondition(previous),
        result.ready(),
        result.reason(),
        result.message())) {
      if (result.ready()) {
        log.info("Ready: {}", DisplayText.clean(result.message(), DisplayText.MESSAGE));
        events.normal(resource, result.reason(), result.message());
      } else {
        log.warn(
            "Not ready ({}): {}",
            result.reason(),
            DisplayText.clean(result.message(), DisplayText.MESSAGE));
        events.warning(resource, result.reason(), result.message());
      }
    }
    result
        .links()
        .filter(
            links ->
                announcements.isNew(
                    uid,
                    StatusBuilder.LINKED,
                    StatusBuilder.condition(previous, StatusBuilder.LINKED),
                    links.linked(),
                    links.reason(),
                    links.message()))
        .filter(links -> !links.linked())
        .ifPresent(
            links -> {
              log.warn(
                  "Service accounts not linked ({}): {}",
                  links.reason(),
                  DisplayText.clean(links.message(), DisplayText.MESSAGE));
              events.warning(resource, links.reason(), links.message());
            });
  }

  /** One Event per distinct change of the PullVerified condition. */
  void announcePull(
      HasMetadata resource, PullSecretStatus previous, PullVerifier.Verification verification) {
    if (!announcements.isNew(
        resource.getMetadata().getUid(),
        StatusBuilder.PULL_VERIFIED,
        StatusBuilder.condition(previous, StatusBuilder.PULL_VERIFIED),
        verification.verified(),
        verification.reason().text(),
        verification.message())) {
      return;
    }
    String message = DisplayText.clean(verification.message(), DisplayText.MESSAGE);
    if (verification.verified()) {
      log.info("Pull verified: {}", message);
      events.normal(resource, verification.reason().text(), verification.message());
    } else {
      log.warn("Pull not verified ({}): {}", verification.reason(), message);
      events.warning(resource, verification.reason().text(), verification.message());
    }
  }

  /**
   * One Event for what this reconcile did beyond its own secrets, where it did it: secrets taken
   * over, pods deleted so that their controllers make them again.
   */
  void tellWhatWasDoneToOthers(HasMetadata resource, String secretName, SyncResult result) {
    if (!result.adopted().isEmpty()) {
      String message =
          "took over secret "
              + secretName
              + " in "
              + names(result.adopted())
              + ": it existed (made by hand, by this program's CLI, or by the operator this one"
              + " replaces) and is updated in place from now on, never deleted and made again";
      log.info("Adopted: {}", message);
      events.normal(resource, StatusReason.SECRET_ADOPTED.text(), message);
    }
    if (!result.healedPods().isEmpty()) {
      String message =
          "deleted "
              + result.healedPods().size()
              + " pods stuck pulling from these registries, so that their controllers make them"
              + " again with the secret: "
              + names(result.healedPods());
      log.info("Healed: {}", message);
      events.normal(resource, StatusReason.PODS_HEALED.text(), message);
    }
  }

  void forget(String uid) {
    announcements.forget(uid);
  }

  private static String names(List<String> names) {
    return names.stream().limit(NAMED).collect(Collectors.joining(", "))
        + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
  }
}
