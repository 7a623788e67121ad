package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRDs committed under deploy/crds are the ones the build generates from the Java classes. */
class GeneratedCrdsTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    var pairs =
        Map.of(
            "ecrpullsecrets.ecr-secret-operator.io-v1.yml",
                "deploy/crds/ecrpullsecrets.ecr-secret-operator.io.yaml",
            "clusterecrpullsecrets.ecr-secret-operator.io-v1.yml",
                "deploy/crds/clusterecrpullsecrets.ecr-secret-operator.io.yaml",
            "secrets.ecr.mobb.redhat.com-v1.yml",
                "deploy/crds/compat/secrets.ecr.mobb.redhat.com.yaml",
            "argohelmreposecrets.ecr.mobb.redhat.com-v1.yml",
                "deploy/crds/compat/argohelmreposecrets.ecr.mobb.redhat.com.yaml");
    for (var pair : pairs.entrySet()) {
      assertThat(Files.readString(Path.of(pair.getValue())))
          .as(
              "%s is stale: scripts/crds copies %s (the build regenerates it from the Java classes)",
              pair.getValue(), GENERATED.resolve(pair.getKey()))
          .isEqualTo(Files.readString(GENERATED.resolve(pair.getKey())));
    }
    try (var files = Files.list(GENERATED)) {
      assertThat(files.count()).as("every generated CRD is committed").isEqualTo(pairs.size());
    }
  }
}
