package io.ecrsecret.install;

import static io.ecrsecret.install.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ships besides the code and is checked by its own tools, as scripts/setup provides them: the
 * GitHub workflows by actionlint, the Terraform example by {@code tofu fmt}, the Ansible example by
 * ansible-playbook (a syntax check, and a real run of its CLI path against the sandbox). Each
 * checker is first shown a broken file, so that a checker that passes everything is caught.
 */
@ExtendWith(SandboxExtension.class)
class ExamplesIT {

  private static Path tool(String name) throws IOException, InterruptedException {
    Process setup =
        new ProcessBuilder("scripts/setup", "--print-path")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dir = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    setup.waitFor();
    Path tool = Path.of(dir, name);
    assertThat(tool).as("%s, which scripts/setup provides", name).isExecutable();
    return tool;
  }

  @Test
  void theWorkflowsPassActionlint(@TempDir Path dir) throws Exception {
    Path actionlint = tool("actionlint");
    Path broken = dir.resolve("broken.yml");
    Files.writeString(
        broken,
        "on: push\njobs:\n  test:\n    runs-onn: ubuntu-24.04\n    steps:\n      - run: echo\n");
    assertThat(run(Map.of(), actionlint, "-no-color", broken).exitCode())
        .as("actionlint refuses a broken workflow")
        .isNotZero();

    var workflows = new ArrayList<Object>(List.of(actionlint, "-no-color"));
    try (var files = Files.list(Path.of(".github/workflows"))) {
      files.sorted().forEach(workflows::add);
    }
    assertThat(workflows).hasSizeGreaterThanOrEqualTo(4); // ci.yml and release.yml
    var lint = run(Map.of(), workflows.toArray());
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void theTerraformExampleIsFormattedAndItsPullSecretChartRenders(
      Sandbox sandbox, @TempDir Path dir) throws Exception {
    Path tofu = tool("tofu");
    // no CLI configuration of this machine's, no plugin cache: fmt reads only the files
    Path cliConfig = Files.writeString(dir.resolve("tofurc"), "");
    var env = Map.of("TF_CLI_CONFIG_FILE", cliConfig.toString(), "CHECKPOINT_DISABLE", "1");
    Path messy = dir.resolve("messy");
    Files.createDirectories(messy);
    Files.writeString(messy.resolve("main.tf"), "variable \"x\" {\ndefault=1\n}\n");
    assertThat(run(env, tofu, "fmt", "-check", "-recursive", messy).exitCode())
        .as("tofu fmt -check refuses an unformatted file")
        .isNotZero();
    var fmt = run(env, tofu, "fmt", "-check", "-recursive", "-diff", "examples/terraform");
    assertThat(fmt.exitCode()).as(fmt.output()).isZero();

    // the chart main.tf installs the pull secret with (a Helm release needs no CRD to plan)
    var rendered =
        Manifests.helm(
            "template",
            "ecr-pull-secret",
            "examples/terraform/pull-secret",
            "--namespace",
            "tf-runtime",
            "--set",
            "secretName=ecr-registry-secret",
            "--set",
            "registries={" + sandbox.registry().ecrHost() + "}");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    assertThat(Manifests.helm("template", "x", "examples/terraform/pull-secret").output())
        .contains("set registries");
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, "tf-runtime", Map.of());
      List<HasMetadata> items = Manifests.load(kube, rendered.output());
      assertThat(items).extracting(HasMetadata::getKind).containsExactly("EcrPullSecret");
      // valid for the API server and its schema
      kube.resource(items.get(0)).dryRun().create();
    }
  }

  @Test
  void theAnsiblePlaybookPassesItsSyntaxCheckAndRefreshesWithTheCli(Sandbox sandbox)
      throws Exception {
    Path playbook = tool("ansible-playbook");
    Path jar = Path.of("target/ecr-secret-operator.jar").toAbsolutePath();
    assertThat(jar).exists();
    var env = new java.util.HashMap<>(sandbox.environment());
    env.put("ANSIBLE_COLLECTIONS_PATH", Path.of(".venv/collections").toAbsolutePath().toString());
    env.put("ANSIBLE_LOCAL_TEMP", Files.createTempDirectory("ansible").toString());
    env.put("ANSIBLE_NOCOLOR", "1");
    env.put("LC_ALL", "C.UTF-8");
    String example = "examples/ansible/refresh-ecr-secret.yml";

    var syntax = run(env, playbook, "-i", "localhost,", "--syntax-check", example);
    assertThat(syntax.exitCode()).as(syntax.output()).isZero();

    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.namespace(kube, "ansible-app", Map.of());
    }
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    var refresh =
        run(
            env,
            playbook,
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            "ansible_python_interpreter=" + Path.of(".venv/bin/python").toAbsolutePath(),
            "-e",
            "env_namespace=ansible-app",
            "-e",
            "registry=" + sandbox.registry().ecrHost(),
            "-e",
            "use_operator=false", // a string: the playbook must read it as a boolean
            "-e",
            "ecr_secret_operator_jar=" + jar,
            example);
    assertThat(refresh.exitCode()).as(refresh.output()).isZero();
    assertThat(refresh.output()).contains("Token valid until: 20", "changed=1", "failed=0");
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      assertThat(kube.secrets().inNamespace("ansible-app").withName("ecr-secret").get())
          .isNotNull();
    }
  }
}
