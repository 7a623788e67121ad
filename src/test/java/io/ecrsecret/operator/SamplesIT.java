package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every sample under deploy/samples is accepted by the real API server with the CRDs installed. */
@ExtendWith(SandboxExtension.class)
class SamplesIT {

  @Test
  void everySampleIsAValidResource(Sandbox sandbox) throws Exception {
    try (var kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, true);
      List<HasMetadata> accepted = new ArrayList<>();
      try (Stream<Path> files = Files.walk(Path.of("deploy/samples"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : kube.load(in).items()) {
              String ns = item.getMetadata().getNamespace();
              if (ns != null && kube.namespaces().withName(ns).get() == null) {
                kube.resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .create();
              }
              accepted.add(kube.resource(item).dryRun().create());
            }
          }
        }
      }
      assertThat(accepted)
          .extracting(HasMetadata::getKind)
          .containsExactlyInAnyOrder(
              "ArgoHelmRepoSecret", "ClusterEcrPullSecret", "EcrPullSecret", "Secret");
    }
  }
}
