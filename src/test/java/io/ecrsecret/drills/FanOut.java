package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A drill's fan-out: a ClusterEcrPullSecret named {@code name} over {@code count} namespaces
 * labelled {@code name=yes}, whose secrets are also called {@code name}.
 */
record FanOut(String name, int count) {

  Map<String, String> labels() {
    return Map.of(name, "yes");
  }

  /** The namespaces (with their default service account) and the resource. */
  void create(KubernetesClient kube, Sandbox sandbox) {
    for (int i = 0; i < count; i++) {
      TestCluster.namespace(kube, String.format("%s-%03d", name, i), labels());
    }
    var resource = new ClusterEcrPullSecret();
    resource.getMetadata().setName(name);
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setSecretName(name);
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().withMatchLabels(labels()).build());
    spec.setNamespaces(selector);
    resource.setSpec(spec);
    kube.resource(resource).create();
  }

  ClusterEcrPullSecret resource(KubernetesClient kube) {
    return kube.resources(ClusterEcrPullSecret.class).withName(name).get();
  }

  List<Secret> secrets(KubernetesClient kube) {
    return kube.secrets().inAnyNamespace().withField("metadata.name", name).list().getItems();
  }

  /** Waits for a secret in each of {@code namespaces}, and for the status to count them Ready. */
  void awaitReady(KubernetesClient kube, int namespaces, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> secrets(kube).size() == namespaces);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> resource(kube),
            r ->
                r.getStatus() != null
                    && Integer.valueOf(namespaces).equals(r.getStatus().getNamespacesReady()));
  }

  /** Every secret is ours and names the registry; one of them really pulls from it. */
  void assertEverySecretServes(KubernetesClient kube, Sandbox sandbox) {
    List<Secret> secrets = secrets(kube);
    for (Secret s : secrets) {
      assertThat(ManagedMarkers.annotation(s, ManagedMarkers.OWNER))
          .isEqualTo("ClusterEcrPullSecret/" + name);
      assertThat(DockerConfigJson.parse(SecretData.decoded(s, DockerConfigJson.KEY).orElseThrow()))
          .containsKey(sandbox.registry().ecrHost());
    }
    var pulled =
        sandbox
            .registry()
            .inspect(SecretData.decoded(secrets.get(0), DockerConfigJson.KEY).orElseThrow());
    assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
  }
}
