package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Structural checks of what ships besides the jar: the Helm chart and the OLM bundle carry the same
 * CRDs as deploy/crds and the same RBAC as the plain manifests (the one that is tested against the
 * API server), and the CSV has what OperatorHub needs.
 */
class ShippedFilesTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyShippedFileCarriesThePomsVersion() throws IOException {
    String version = io.ecrsecret.testing.ProjectVersion.fromPom();
    assertThat(version)
        .as("a release version, as the image tag and the chart need")
        .matches("\\d+\\.\\d+\\.\\d+");
    var chart =
        YAML.unmarshal(
            Files.readString(Path.of("charts/ecr-secret-operator/Chart.yaml")), Map.class);
    assertThat(chart.get("version")).isEqualTo(version);
    assertThat(chart.get("appVersion")).isEqualTo(version);
    for (String file :
        List.of(
            "deploy/operator/cluster-wide.yaml",
            "deploy/operator/namespaced.yaml",
            "deploy/cronjob/cluster-wide.yaml",
            "deploy/cronjob/single-namespace.yaml",
            "bundle/manifests/ecr-secret-operator.clusterserviceversion.yaml")) {
      var images =
          Files.readString(Path.of(file))
              .lines()
              .map(String::strip)
              .filter(l -> l.startsWith("image:") || l.startsWith("containerImage:"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .toList();
      assertThat(images)
          .as(file)
          .isNotEmpty()
          .allSatisfy(
              i -> assertThat(i).isEqualTo("registry.invalid/ecr-secret-operator:" + version));
    }
    String csv =
        Files.readString(
            Path.of("bundle/manifests/ecr-secret-operator.clusterserviceversion.yaml"));
    assertThat(csv)
        .contains("name: ecr-secret-operator.v" + version, "\n  version: " + version + "\n");
    assertThat(Files.readString(Path.of("CHANGELOG.md"))).contains("## " + version);
  }

  /**
   * User-facing text (README, guides, manifests, chart, bundle, examples, CRDs) names the tools we
   * replace as users know them, never by the numbers of our background documents.
   */
  @Test
  void userFacingTextNeverSpeaksOfSeeds() throws IOException {
    var offending = new java.util.ArrayList<String>();
    for (String root :
        List.of(
            "README.md",
            "CHANGELOG.md",
            "docs",
            "deploy",
            "charts",
            "bundle",
            "examples",
            "bin",
            ".github")) {
      try (var files = Files.walk(Path.of(root))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          var lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("(?i).*\\bseeds?\\b.*")) {
              offending.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
          }
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  /**
   * One admission policy fences the operator however it is installed: the plain manifests carry
   * deploy/operator/admission-policy.yaml verbatim, the chart renders the same file for its
   * release, and the OLM bundle's copy differs only in matching the account in whatever namespace
   * OLM chose.
   */
  @Test
  void everyInstallCarriesTheSameAdmissionPolicy() throws IOException {
    String policy = Files.readString(Path.of("deploy/operator/admission-policy.yaml"));
    String documents = policy.substring(policy.indexOf("# The fence around"));
    for (String manifest :
        List.of("deploy/operator/cluster-wide.yaml", "deploy/operator/namespaced.yaml")) {
      assertThat(Files.readString(Path.of(manifest))).as(manifest).endsWith("---\n" + documents);
    }
    assertThat(Files.readString(Path.of("charts/ecr-secret-operator/files/admission-policy.yaml")))
        .isEqualTo(policy);
    String exact =
        "request.userInfo.username =="
            + " 'system:serviceaccount:ecr-secret-operator:ecr-secret-operator'";
    assertThat(policy).contains(exact);
    String bundle = Files.readString(Path.of("bundle/admission-policy.yaml"));
    assertThat(bundle.substring(bundle.indexOf("# The fence around")))
        .isEqualTo(
            documents.replace(
                exact,
                "request.userInfo.username.matches("
                    + "'^system:serviceaccount:[^:]+:ecr-secret-operator$')"));
  }

  @Test
  void chartAndBundleCarryTheGeneratedCrds() throws IOException {
    for (String crd :
        List.of(
            "ecrpullsecrets.ecr-secret-operator.io.yaml",
            "clusterecrpullsecrets.ecr-secret-operator.io.yaml")) {
      String generated = Files.readString(Path.of("deploy/crds", crd));
      assertThat(Files.readString(Path.of("charts/ecr-secret-operator/files/crds", crd)))
          .as("the chart's copy of %s (scripts/crds copies them)", crd)
          .isEqualTo(generated);
      assertThat(Files.readString(Path.of("bundle/manifests", crd)))
          .as("the bundle's copy of %s (scripts/crds copies them)", crd)
          .isEqualTo(generated);
    }
    for (String crd :
        List.of(
            "secrets.ecr.mobb.redhat.com.yaml", "argohelmreposecrets.ecr.mobb.redhat.com.yaml")) {
      assertThat(Files.readString(Path.of("charts/ecr-secret-operator/files/crds", crd)))
          .isEqualTo(Files.readString(Path.of("deploy/crds/compat", crd)));
    }
  }

  /**
   * The operator's JVM flags are declared once, in the image (the pom's Jib configuration, which
   * the benchmark's processes read too): no install repeats them, so none can drift from what was
   * measured; the chart only adds to them (JDK_JAVA_OPTIONS).
   */
  @Test
  void theJvmFlagsAreDeclaredOnceInTheImage() throws IOException {
    String image = OperatorProcess.imageJvmFlags();
    assertThat(image).contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=30");
    assertThat(OperatorProcess.JVM_FLAGS).endsWith(image);
    for (String file :
        List.of(
            "deploy/operator/cluster-wide.yaml",
            "deploy/operator/namespaced.yaml",
            "charts/ecr-secret-operator/values.yaml",
            "charts/ecr-secret-operator/templates/deployment.yaml",
            "bundle/manifests/ecr-secret-operator.clusterserviceversion.yaml")) {
      assertThat(Files.readString(Path.of(file)))
          .as(file)
          .doesNotContain("-XX:+UseSerialGC")
          .doesNotContain("name: JAVA_TOOL_OPTIONS");
    }
  }

  @Test
  void csvHasInstallModesOwnedCrdsExamplesAndTheTestedRbac() throws IOException {
    var csv =
        YAML.unmarshal(
            Files.readString(
                Path.of("bundle/manifests/ecr-secret-operator.clusterserviceversion.yaml")),
            GenericKubernetesResource.class);
    assertThat(csv.getKind()).isEqualTo("ClusterServiceVersion");
    assertThat(csv.getMetadata().getName())
        .isEqualTo("ecr-secret-operator.v" + csv.get("spec", "version"));

    List<Map<String, Object>> modes = csv.get("spec", "installModes");
    assertThat(modes)
        .extracting(m -> m.get("type"))
        .containsExactlyInAnyOrder(
            "OwnNamespace", "SingleNamespace", "MultiNamespace", "AllNamespaces");
    assertThat(modes).allMatch(m -> Boolean.TRUE.equals(m.get("supported")));

    List<Map<String, Object>> owned = csv.get("spec", "customresourcedefinitions", "owned");
    Set<String> ownedKinds = new HashSet<>();
    for (Map<String, Object> crd : owned) {
      assertThat(crd).containsKeys("name", "version", "kind", "displayName", "description");
      assertThat(Files.exists(Path.of("bundle/manifests", crd.get("name") + ".yaml")))
          .as("%s in the bundle", crd.get("name"))
          .isTrue();
      ownedKinds.add((String) crd.get("kind"));
    }
    try (var files = Files.list(Path.of("bundle/manifests"))) {
      assertThat(
              files
                  .filter(f -> !f.getFileName().toString().contains("clusterserviceversion"))
                  .count())
          .as("every CRD in the bundle is owned")
          .isEqualTo(owned.size());
    }

    JsonNode examples = JSON.readTree(csv.getMetadata().getAnnotations().get("alm-examples"));
    assertThat(examples.isArray()).isTrue();
    Set<String> exampleKinds = new HashSet<>();
    examples.forEach(e -> exampleKinds.add(e.path("kind").asText()));
    assertThat(exampleKinds).isEqualTo(ownedKinds);

    // the CSV grants exactly the rules of the plain cluster-wide install, which InstallIT tests
    Set<PolicyRule> csvRules = new HashSet<>();
    for (String permissions : List.of("clusterPermissions", "permissions")) {
      List<Map<String, Object>> entries = csv.get("spec", "install", "spec", permissions);
      for (Map<String, Object> entry : entries) {
        assertThat(entry.get("serviceAccountName")).isEqualTo("ecr-secret-operator");
        for (Object rule : (List<?>) entry.get("rules")) {
          csvRules.add(YAML.convertValue(rule, PolicyRule.class));
        }
      }
    }
    Set<PolicyRule> plainRules = new HashSet<>();
    List<HasMetadata> plain =
        YAML.unmarshal(Files.readString(Path.of("deploy/operator/cluster-wide.yaml")));
    for (HasMetadata item : plain) {
      if (item instanceof ClusterRole role) {
        if (role.getMetadata().getLabels() != null
            && role.getMetadata().getLabels().keySet().stream()
                .anyMatch(k -> k.startsWith("rbac.authorization.k8s.io/aggregate-to-"))) {
          continue; // the tenants' roles (OLM makes its own for owned CRDs)
        }
        plainRules.addAll(role.getRules());
      } else if (item instanceof Role role) {
        plainRules.addAll(role.getRules());
      }
    }
    assertThat(normalized(csvRules)).isEqualTo(normalized(plainRules));

    Map<String, Object> container =
        ((List<Map<String, Object>>)
                csv.get(
                    "spec",
                    "install",
                    "spec",
                    "deployments",
                    0,
                    "spec",
                    "template",
                    "spec",
                    "containers"))
            .get(0);
    assertThat(container.toString())
        .contains("olm.targetNamespaces", "ECR_WATCH_NAMESPACE", "readOnlyRootFilesystem=true");
  }

  /** Rules as (group, resource, verb) triples, however they are grouped. */
  private static Set<String> normalized(Set<PolicyRule> rules) {
    Set<String> triples = new HashSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            triples.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return triples;
  }
}
