package io.ecrsecret.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Emits Kubernetes Events about a resource; a failure to emit one is logged, never fatal. */
final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "ecr-secret-operator";

  private final KubernetesClient client;
  private final Clock clock;

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void warning(HasMetadata resource, String reason, String message) {
    emit(resource, "Warning", reason, message);
  }

  void normal(HasMetadata resource, String reason, String message) {
    emit(resource, "Normal", reason, message);
  }

  private void emit(HasMetadata resource, String type, String reason, String message) {
    String namespace =
        resource.getMetadata().getNamespace() == null
            ? "default"
            : resource.getMetadata().getNamespace();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(resource.getMetadata().getName() + ".")
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(resource.getApiVersion())
            .withKind(resource.getKind())
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .withUid(resource.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(
                io.ecrsecret.core.DisplayText.clean(
                    message, io.ecrsecret.core.DisplayText.MESSAGE - 3))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn(
          "Cannot record event {} on {}: HTTP {}",
          reason,
          resource.getMetadata().getName(),
          e.getCode());
    }
  }
}
