package io.ecrsecret.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Loads, renders (with the real helm) and applies install manifests. */
final class Manifests {

  private Manifests() {}

  static List<HasMetadata> load(KubernetesClient kube, String yaml) {
    return kube.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  static List<HasMetadata> file(KubernetesClient kube, String path) throws IOException {
    return load(kube, Files.readString(Path.of(path)));
  }

  /**
   * Applies the items with their workloads at rest: Deployments at zero replicas, so that on the
   * sandbox's node nothing runs the placeholder image; tests of what the manifests grant need no
   * pod. {@link #applyAndRun} runs them.
   */
  static void apply(KubernetesClient kube, List<HasMetadata> items) {
    for (HasMetadata item : items) {
      if (item instanceof Deployment deployment) {
        deployment.getSpec().setReplicas(0);
      }
    }
    applyAndRun(kube, items);
  }

  /** Applies the items as they are. */
  static void applyAndRun(KubernetesClient kube, List<HasMetadata> items) {
    for (HasMetadata item : items) {
      if (item.getMetadata().getNamespace() != null
          && kube.namespaces().withName(item.getMetadata().getNamespace()).get() == null) {
        kube.resource(
                new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata()
                    .withName(item.getMetadata().getNamespace())
                    .endMetadata()
                    .build())
            .create();
      }
      kube.resource(item).forceConflicts().serverSideApply();
    }
  }

  static Deployment deployment(List<HasMetadata> items) {
    return items.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  /** The chart requires the image a user pushed; the tests name one (nothing pulls it here). */
  static final String CHART_IMAGE = "image.repository=registry.test/platform/ecr-secret-operator";

  /** The result of a helm command: exit code and all it printed. */
  record Helm(int exitCode, String output) {}

  static Helm helm(String... args) throws IOException, InterruptedException {
    Process which =
        new ProcessBuilder("scripts/helm-binary")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String binary =
        new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (which.waitFor() != 0 || binary.isEmpty()) {
      throw new IllegalStateException(
          "no helm: run scripts/setup (it builds helm from the Go module proxy)");
    }
    var command = new ArrayList<String>();
    command.add(binary);
    command.addAll(List.of(args));
    Process helm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(helm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!helm.waitFor(120, TimeUnit.SECONDS)) {
      helm.destroyForcibly();
      throw new IllegalStateException("helm timed out");
    }
    return new Helm(helm.exitValue(), output);
  }
}
