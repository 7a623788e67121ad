package io.ecrsecret.install;

import static io.ecrsecret.install.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.ProjectVersion;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release, rehearsed as release.yml runs it on a tag: {@code scripts/release --rehearse}
 * publishes to the sandbox's registry, and what it published is checked the way a user checks it:
 * cosign verifies the signatures of the image, the chart and the bundle with the published key (and
 * refuses an image nobody signed), the image's SBOM attestation, the signed checksums of the
 * release files; the chart from {@code oci://} renders the published image by digest with no {@code
 * --set image...}; no release file names the placeholder image; and the published chart runs on the
 * sandbox's node as a user installs it, is upgraded to a second published version and uninstalled.
 */
@ExtendWith(SandboxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseRehearsalIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String version = ProjectVersion.fromPom() + "-rehearsal.it";
  private Map<String, String> published;
  private Map<String, String> env;
  private Commands.Run release;

  @BeforeAll
  void rehearse(Sandbox sandbox) throws Exception {
    env = new HashMap<>(sandbox.environment());
    release = run(env, "scripts/release", "--rehearse", "--version", version);
    assertThat(release.exitCode()).as(release.output()).isZero();
    published = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("target/release/published.env"))) {
      int eq = line.indexOf('=');
      published.put(line.substring(0, eq), line.substring(eq + 1));
    }
    System.out.println("release rehearsal published:\n" + String.join("\n", published.values()));
  }

  /**
   * cosign against the sandbox's plain-HTTP registry, with the release's key, no transparency log.
   */
  private Commands.Run cosign(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("cosign"));
    command.addAll(List.of(args));
    command.addAll(
        List.of("--key", published.get("COSIGN_PUBLIC_KEY"), "--insecure-ignore-tlog=true"));
    if (!args[0].endsWith("-blob")) {
      command.addAll(List.of("--allow-http-registry=true", "--allow-insecure-registry=true"));
    }
    var cosignEnv = new HashMap<>(env);
    cosignEnv.put("DOCKER_CONFIG", "target/release/docker");
    return run(cosignEnv, command.toArray());
  }

  @Test
  void itPublishesTheImageTheChartAndTheBundleByDigest(Sandbox sandbox) {
    String registry = sandbox.registry().pushAddress() + "/rehearsal";
    assertThat(published)
        .containsEntry("VERSION", version)
        .containsEntry("CHART", "oci://" + registry + "/charts/ecr-secret-operator")
        .containsKeys(
            "COSIGN_PUBLIC_KEY",
            "IMAGE_COMPRESSED_BYTES_LINUX_AMD64",
            "IMAGE_COMPRESSED_BYTES_LINUX_ARM64");
    assertThat(published.get("IMAGE"))
        .matches(registry.replace(".", "\\.") + "/ecr-secret-operator@sha256:[0-9a-f]{64}");
    assertThat(published.get("BUNDLE_IMAGE"))
        .matches(registry.replace(".", "\\.") + "/ecr-secret-operator-bundle@sha256:[0-9a-f]{64}");
    assertThat(Long.parseLong(published.get("IMAGE_COMPRESSED_BYTES_LINUX_AMD64")))
        .isBetween(10_000_000L, 200_000_000L);
    assertThat(Long.parseLong(published.get("IMAGE_COMPRESSED_BYTES_LINUX_ARM64")))
        .isBetween(10_000_000L, 200_000_000L);
  }

  /**
   * As a user installs it, on the sandbox's node: the published chart from {@code oci://} with only
   * the values a user of that cluster sets ({@code SANDBOX_CHART_VALUES}: AWS region, identity and
   * endpoint, and the pull secret of the registry the release lives in), the CRDs that are already
   * there handed to the release as install.md says. The operator's pods become Ready under the
   * chart's own security context and limits, reaching the API server through the {@code kubernetes}
   * Service (no host network); an EcrPullSecret becomes Ready and a pod pulls the sandbox's ECR
   * image through the secret it made. Then an upgrade to a second published version (CRDs upgraded,
   * the secret kept), and an uninstall that leaves the CRDs (as documented) and nothing else of the
   * release.
   */
  @Test
  void thePublishedChartRunsOnTheNodeUpgradesAndUninstallsLeavingOnlyTheCrds(Sandbox sandbox)
      throws Exception {
    String next = ProjectVersion.fromPom() + "-rehearsal.it2";
    Path secondOut = Path.of("target/release-it2");
    var second =
        run(env, "scripts/release", "--rehearse", "--version", next, "--out", secondOut.toString());
    assertThat(second.exitCode()).as(second.output()).isZero();
    String kubeconfig = sandbox.kubernetes().kubeconfig().toString();
    String values = env.get("SANDBOX_CHART_VALUES");
    assertThat(values).as("scripts/sandbox exports the chart values of its cluster").isNotNull();
    // tokens that last 12 hours, as ECR's do (moto's own would say they expired in 2015)
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      // what a user of that cluster does first: the namespace, and the two Secrets the values
      // name (docs in the values file)
      kube.resource(
              new NamespaceBuilder().withNewMetadata().withName(RELEASE).endMetadata().build())
          .serverSideApply();
      var aws = sandbox.aws().adminCredentials();
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(Sandbox.CHART_AWS_KEYS)
                  .withNamespace(RELEASE)
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "AWS_ACCESS_KEY_ID",
                          aws.accessKeyId(),
                          "AWS_SECRET_ACCESS_KEY",
                          aws.secretAccessKey()))
                  .build())
          .serverSideApply();
      String auth =
          Base64.getEncoder()
              .encodeToString(
                  (env.get("SANDBOX_PUSH_USERNAME") + ":" + env.get("SANDBOX_PUSH_PASSWORD"))
                      .getBytes(StandardCharsets.UTF_8));
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(Sandbox.CHART_RELEASE_PULL)
                  .withNamespace(RELEASE)
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .withStringData(
                      Map.of(
                          ".dockerconfigjson",
                          "{\"auths\":{\""
                              + env.get("SANDBOX_PUSH_REGISTRY")
                              + "\":{\"auth\":\""
                              + auth
                              + "\"}}}"))
                  .build())
          .serverSideApply();
      // the CRDs are there already (other tests applied them): handed to the release, as
      // install.md says
      for (var crd : kube.apiextensions().v1().customResourceDefinitions().list().getItems()) {
        if (crd.getMetadata().getName().endsWith(".ecr-secret-operator.io")) {
          kube.apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .edit(
                  c -> {
                    c.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "Helm");
                    c.getMetadata().getAnnotations().put("meta.helm.sh/release-name", RELEASE);
                    c.getMetadata().getAnnotations().put("meta.helm.sh/release-namespace", RELEASE);
                    return c;
                  });
        }
      }

      long started = System.nanoTime();
      var install =
          publishedChart(
              "install",
              version,
              "--kubeconfig",
              kubeconfig,
              "-f",
              values,
              "--wait",
              "--timeout",
              "4m");
      assertThat(install.exitCode()).as(install.output() + operatorPods(kube)).isZero();
      System.out.printf(
          "release rehearsal: helm install to pods Ready in %.1f s%n",
          (System.nanoTime() - started) / 1e9);
      var deployment = kube.apps().deployments().inNamespace(RELEASE).withName(FULLNAME).get();
      var podSpec = deployment.getSpec().getTemplate().getSpec();
      assertThat(podSpec.getContainers().get(0).getImage()).isEqualTo(published.get("IMAGE"));
      assertThat(podSpec.getHostNetwork()).as("no host network").isNotEqualTo(Boolean.TRUE);
      assertThat(deployment.getStatus().getReadyReplicas())
          .isEqualTo(deployment.getSpec().getReplicas());

      String app = "rehearsal-app";
      kube.resource(new NamespaceBuilder().withNewMetadata().withName(app).endMetadata().build())
          .serverSideApply();
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("ecr");
      resource.getMetadata().setNamespace(app);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(sandbox.registry().ecrHost()));
      resource.setSpec(spec);
      kube.resource(resource).create();
      try {
        await("the EcrPullSecret Ready")
            .atMost(Duration.ofSeconds(90))
            .until(() -> ready(kube, app));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            kube.resources(EcrPullSecret.class).inNamespace(app).withName("ecr").get()
                + "\noperator logs:\n"
                + kube.pods().inNamespace(RELEASE).list().getItems().stream()
                    .map(p -> kube.pods().resource(p).getLog())
                    .collect(Collectors.joining("\n---\n")),
            e);
      }
      kube.resource(Pods.of(app, "pulls", sandbox.image())).create();
      Pods.await(kube, app, "pulls", Pods::running, Duration.ofSeconds(90));
      var secretBefore = kube.secrets().inNamespace(app).withName("ecr-pull-secret").get();

      var upgrade =
          publishedChart(
              "upgrade",
              next,
              "--kubeconfig",
              kubeconfig,
              "--reuse-values",
              "--wait",
              "--timeout",
              "4m");
      assertThat(upgrade.exitCode()).as(upgrade.output() + operatorPods(kube)).isZero();
      assertThat(
              kube.apps()
                  .deployments()
                  .inNamespace(RELEASE)
                  .withName(FULLNAME)
                  .get()
                  .getMetadata()
                  .getLabels())
          .containsEntry("helm.sh/chart", "ecr-secret-operator-" + next);
      var crd =
          kube.apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName("ecrpullsecrets.ecr-secret-operator.io")
              .get();
      var manifest =
          Manifests.helm(
              "get", "manifest", RELEASE, "--kubeconfig", kubeconfig, "--namespace", RELEASE);
      assertThat(manifest.exitCode()).as(manifest.output()).isZero();
      assertThat(manifest.output())
          .as("the CRDs are part of the upgraded release (templates: helm upgrades them)")
          .contains(
              "name: ecrpullsecrets.ecr-secret-operator.io",
              "name: clusterecrpullsecrets.ecr-secret-operator.io");
      assertThat(crd.getMetadata().getAnnotations())
          .as("the CRDs are the release's, kept when it goes")
          .containsEntry("meta.helm.sh/release-name", RELEASE)
          .containsEntry("helm.sh/resource-policy", "keep");
      await("the EcrPullSecret Ready after the upgrade")
          .atMost(Duration.ofSeconds(90))
          .until(() -> ready(kube, app));
      var secretAfter = kube.secrets().inNamespace(app).withName("ecr-pull-secret").get();
      assertThat(secretAfter.getMetadata().getUid())
          .as("the secret was kept through the upgrade, never deleted")
          .isEqualTo(secretBefore.getMetadata().getUid());

      kube.resources(EcrPullSecret.class).inNamespace(app).withName("ecr").delete();
      await("the EcrPullSecret finalized")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  kube.resources(EcrPullSecret.class).inNamespace(app).list().getItems().isEmpty());
      kube.namespaces().withName(app).delete();

      String release = "app.kubernetes.io/instance=" + RELEASE;
      assertThat(kube.serviceAccounts().inAnyNamespace().withLabel(release).list().getItems())
          .as("what the uninstall must take away is found by its label")
          .isNotEmpty();
      assertThat(kube.rbac().clusterRoles().withLabel(release).list().getItems()).isNotEmpty();
      var uninstall =
          Manifests.helm(
              "uninstall", RELEASE, "--kubeconfig", kubeconfig, "--namespace", RELEASE, "--wait");
      assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
      assertThat(kube.apps().deployments().inAnyNamespace().withLabel(release).list().getItems())
          .isEmpty();
      assertThat(kube.serviceAccounts().inAnyNamespace().withLabel(release).list().getItems())
          .isEmpty();
      assertThat(kube.rbac().clusterRoles().withLabel(release).list().getItems()).isEmpty();
      assertThat(kube.rbac().clusterRoleBindings().withLabel(release).list().getItems()).isEmpty();
      assertThat(kube.rbac().roles().inAnyNamespace().withLabel(release).list().getItems())
          .isEmpty();
      assertThat(kube.services().inAnyNamespace().withLabel(release).list().getItems()).isEmpty();
      await("the operator's pods gone")
          .atMost(Duration.ofSeconds(60))
          .until(() -> kube.pods().inNamespace(RELEASE).list().getItems().isEmpty());
      assertThat(kube.apiextensions().v1().customResourceDefinitions().list().getItems())
          .as("kept, with the resources and secrets they hold (docs/operations.md)")
          .extracting(c -> c.getMetadata().getName())
          .contains("ecrpullsecrets.ecr-secret-operator.io");
      kube.namespaces().withName(RELEASE).delete();
    }
  }

  private static final String RELEASE = "rehearsal";
  private static final String FULLNAME = "rehearsal-ecr-secret-operator";

  private static boolean ready(KubernetesClient kube, String ns) {
    var eps = kube.resources(EcrPullSecret.class).inNamespace(ns).withName("ecr").get();
    return eps != null
        && eps.getStatus() != null
        && eps.getStatus().getConditions() != null
        && eps.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static String operatorPods(KubernetesClient kube) {
    return "\noperator pods: " + kube.pods().inNamespace(RELEASE).list().getItems();
  }

  @Test
  void withoutRehearseOrARegistryItRefusesAndSaysWhatToPass() throws Exception {
    var refused = run(Map.of(), "scripts/release");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("--registry", "--rehearse");
    var unknown = run(Map.of(), "scripts/release", "--registy", "x");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown argument --registy");
  }

  @Test
  void theImageIsOneManifestListForAmd64AndArm64AndTheArm64ImageStarts(@TempDir Path dir)
      throws Exception {
    String auth = "target/release/docker/config.json";
    var raw =
        run(
            Map.of(),
            "skopeo",
            "inspect",
            "--raw",
            "--tls-verify=false",
            "--authfile",
            auth,
            "docker://" + published.get("IMAGE"));
    assertThat(raw.exitCode()).as(raw.output()).isZero();
    JsonNode index = JSON.readTree(raw.output());
    assertThat(index.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    var platforms = new ArrayList<String>();
    index
        .get("manifests")
        .forEach(
            m ->
                platforms.add(
                    m.at("/platform/os").asText() + "/" + m.at("/platform/architecture").asText()));
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");

    // the arm64 image, as a node of that architecture would pull it, started under emulation
    // (qemu-user-static) in a chroot of its own layers, with the image's own entrypoint
    Path layout = dir.resolve("oci");
    var copy =
        run(
            Map.of(),
            "skopeo",
            "copy",
            "-q",
            "--insecure-policy",
            "--override-arch",
            "arm64",
            "--src-tls-verify=false",
            "--src-authfile",
            auth,
            "docker://" + published.get("IMAGE"),
            "oci:" + layout + ":arm64");
    assertThat(copy.exitCode()).as(copy.output()).isZero();
    JsonNode layoutIndex = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest =
        JSON.readTree(blob(layout, layoutIndex.at("/manifests/0/digest").asText()).toFile());
    JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
    assertThat(config.get("architecture").asText()).isEqualTo("arm64");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.get("layers")) {
      var untar =
          run(
              Map.of(),
              "tar",
              "--warning=no-unknown-keyword",
              "-xf",
              blob(layout, layer.get("digest").asText()).toString(),
              "-C",
              rootfs.toString());
      assertThat(untar.exitCode()).as(untar.output()).isZero();
    }
    Path qemu =
        Path.of(run(Map.of(), "sh", "-c", "command -v qemu-aarch64-static").output().trim());
    Files.copy(qemu.toRealPath(), rootfs.resolve("qemu-aarch64-static"));
    var command =
        new ArrayList<>(
            List.of(
                Files.isExecutable(Path.of("/usr/sbin/chroot")) ? "/usr/sbin/chroot" : "chroot",
                rootfs.toString(),
                "/qemu-aarch64-static"));
    config
        .at("/config/Entrypoint")
        .forEach(a -> command.add(a.asText().equals("java") ? "/opt/java/bin/java" : a.asText()));
    command.add("--version");
    // with the JVM flags the image sets, against which its AOT cache was made
    var env = new java.util.HashMap<String, String>();
    config
        .at("/config/Env")
        .forEach(e -> env.put(e.asText().split("=", 2)[0], e.asText().split("=", 2)[1]));
    var started = run(Map.of("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS")), command.toArray());
    assertThat(started.exitCode()).as(started.output()).isZero();
    assertThat(started.output()).contains("ecr-secret-operator " + ProjectVersion.fromPom());
    assertThat(config.at("/config/Entrypoint").toString())
        .as("the image starts from its AOT cache")
        .contains("-XX:AOTCache=/app/aot/app.aot");
    assertThat(started.output()).as("the AOT cache serves the arm64 JVM").doesNotContain("[aot]");
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  @Test
  void cosignVerifiesEverySignatureAndRefusesAnImageNobodySigned(Sandbox sandbox) throws Exception {
    for (String signed :
        List.of(
            published.get("IMAGE"),
            published.get("BUNDLE_IMAGE"),
            published.get("CHART").substring("oci://".length())
                + "@"
                + published.get("CHART_DIGEST"))) {
      var verify = cosign("verify", signed);
      assertThat(verify.exitCode()).as("cosign verify %s: %s", signed, verify.output()).isZero();
    }
    var unsigned =
        cosign("verify", sandbox.registry().pushAddress() + "/" + "sandbox/hello:latest");
    assertThat(unsigned.exitCode()).as("an image nobody signed").isNotZero();
    assertThat(unsigned.output()).containsIgnoringCase("no signatures found");
  }

  @Test
  void theImageCarriesItsSbomAsASignedCycloneDxAttestation() throws Exception {
    var verify = cosign("verify-attestation", "--type", "cyclonedx", published.get("IMAGE"));
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    String envelope =
        verify.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    JsonNode statement =
        JSON.readTree(Base64.getDecoder().decode(JSON.readTree(envelope).get("payload").asText()));
    JsonNode sbom = statement.get("predicate");
    assertThat(sbom.get("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.at("/metadata/component/bom-ref").asText()).isEqualTo(published.get("IMAGE"));
    var names = new ArrayList<String>();
    sbom.get("components").forEach(c -> names.add(c.get("name").asText()));
    assertThat(names).contains("ecr-secret-operator").hasSizeGreaterThan(2);
    assertThat(sbom.toString())
        .as("the jar's own dependencies are listed")
        .contains("pkg:maven/io.javaoperatorsdk/operator-framework-core@");
  }

  @Test
  void theReleaseFilesMatchTheirSignedChecksumsAndNameThePublishedImage(@TempDir Path tampered)
      throws Exception {
    Path files = Path.of(published.get("FILES"));
    var sums = run(Map.of(), "sh", "-c", "cd '" + files + "' && sha256sum -c SHA256SUMS");
    assertThat(sums.exitCode()).as(sums.output()).isZero();
    assertThat(sums.output().lines().count()).isGreaterThanOrEqualTo(10);
    var blob =
        cosign(
            "verify-blob",
            "--signature",
            files.resolve("SHA256SUMS.sig").toString(),
            files.resolve("SHA256SUMS").toString());
    assertThat(blob.exitCode()).as(blob.output()).isZero();
    Path altered =
        Files.writeString(
            tampered.resolve("SHA256SUMS"),
            Files.readString(files.resolve("SHA256SUMS")).replaceFirst("^.", "0"));
    assertThat(
            cosign(
                    "verify-blob",
                    "--signature",
                    files.resolve("SHA256SUMS.sig").toString(),
                    altered.toString())
                .exitCode())
        .as("a changed checksum file fails verification")
        .isNotZero();

    String manifests;
    try (var listing = Files.list(files)) {
      manifests =
          listing
              .filter(f -> f.toString().endsWith(".yaml"))
              .map(
                  f -> {
                    try {
                      return Files.readString(f);
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .collect(Collectors.joining("\n"));
    }
    assertThat(manifests).doesNotContain("registry.invalid");
    assertThat(Files.readString(files.resolve("operator-cluster-wide.yaml")))
        .contains("image: " + published.get("IMAGE"));
    assertThat(Files.readString(files.resolve("crds.yaml")).split("\n---\n"))
        .as("both CRDs, as separate documents")
        .filteredOn(d -> d.contains("kind: \"CustomResourceDefinition\""))
        .hasSize(2);
  }

  @Test
  void theChartFromOciDefaultsToThePublishedImageWithNoSetImage() throws Exception {
    var rendered = publishedChart("template", version);
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    assertThat(rendered.output()).contains("image: \"" + published.get("IMAGE") + "\"");
    assertThat(rendered.output()).doesNotContain("registry.invalid");
  }

  /**
   * {@code helm VERB} of the published chart at {@code chartVersion}, release {@value #RELEASE} in
   * the namespace of that name, from the sandbox's plain-HTTP registry.
   */
  private Manifests.Helm publishedChart(String verb, String chartVersion, String... extra)
      throws Exception {
    var args =
        new ArrayList<>(
            List.of(
                verb,
                RELEASE,
                published.get("CHART"),
                "--version",
                chartVersion,
                "--plain-http",
                "--registry-config",
                "target/release/docker/config.json",
                "--namespace",
                RELEASE));
    args.addAll(List.of(extra));
    return Manifests.helm(args.toArray(String[]::new));
  }
}
