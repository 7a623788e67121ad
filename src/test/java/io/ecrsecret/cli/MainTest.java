package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** As main() runs it: with only the command the arguments name, where they name one. */
  private int run(String... args) {
    CommandLine cli = Main.commandLine(CliRuntime.system(), args);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsEverySubcommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("operator", "refresh", "status", "verify", "iam-policy", "AWS_ENDPOINT_URL");
  }

  @Test
  void aCommandIsBuiltAloneWhereTheArgumentsNameIt() {
    assertThat(
            Main.commandLine(CliRuntime.system(), new String[] {"operator", "--help"})
                .getSubcommands())
        .containsOnlyKeys("operator");
    assertThat(Main.commandLine(CliRuntime.system(), new String[] {"opertor"}).getSubcommands())
        .containsKeys("operator", "refresh", "status", "verify", "iam-policy", "help");
    assertThat(
            Main.commandLine(CliRuntime.system(), new String[] {"help", "refresh"})
                .getSubcommands())
        .hasSize(6);
  }

  /** Users know the tools we replace by their names, not by our background documents' numbers. */
  @Test
  void noHelpTextSpeaksOfSeeds() {
    for (String command : List.of("operator", "refresh", "status", "verify", "iam-policy")) {
      assertThat(run(command, "--help")).isZero();
    }
    assertThat(out.toString()).isNotEmpty().doesNotContainIgnoringCase("seed");
  }

  @Test
  void missingCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing command");
  }

  @Test
  void badOptionsAreUsageErrorsThatSayWhatIsWrong() {
    assertThat(run("operator", "--metrics-port", "8080", "--health-port", "8080")).isEqualTo(2);
    assertThat(err.toString()).contains("ports must differ");
    assertThat(run("refresh", "-n", "x", "-r", "r", "--refresh-margin", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }

  @Test
  void aBadSelectorAndAnUnwritableOutputDirAreUsageErrorsInOneLine() {
    assertThat(run("refresh", "-n", "x", "-r", "r", "-l", "bad key!!=x")).isEqualTo(2);
    assertThat(err.toString()).contains("bad key!!").doesNotContain("\tat ");
    assertThat(
            run(
                "iam-policy",
                "--account-id",
                "123456789012",
                "--output-dir",
                "/proc/no-such-dir/policies"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("cannot write the policies into --output-dir /proc/no-such-dir/policies")
        .doesNotContain("\tat ", "This is unexpected");
  }

  @Test
  void intervalsThatWouldLoopAndMarginsPastTheTokenAreRefused() {
    assertThat(run("operator", "--max-reconcile-interval", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-reconcile-interval must be at least 1s");
    assertThat(run("operator", "--retry-backoff", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--retry-backoff must be at least 1s");
    for (String margin : List.of("13h", "0s", "30s")) {
      assertThat(
              run(
                  "refresh",
                  "-n",
                  "x",
                  "-r",
                  "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                  "--refresh-margin",
                  margin))
          .as(margin)
          .isEqualTo(2);
    }
    assertThat(err.toString()).contains("--refresh-margin must be between 1m and 11h");
    assertThat(
            run(
                "refresh",
                "-n",
                "x",
                "-r",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "--service-account",
                "Bad_Name"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("service account name 'Bad_Name' is not valid");
  }

  @Test
  void aMissingOrBrokenKubeconfigIsNamedBeforeAnythingIsSent(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var missing = dir.resolve("nope.yaml");
    assertThatThrownBy(
            () -> KubeConnection.connect(java.util.Map.of("KUBECONFIG", missing.toString())))
        .isInstanceOf(KubeConnection.KubeconfigException.class)
        .hasMessageContaining("KUBECONFIG names " + missing + ", which does not exist");
    var garbage = java.nio.file.Files.writeString(dir.resolve("garbage.yaml"), "{{{ not: [yaml");
    assertThatThrownBy(
            () -> KubeConnection.connect(java.util.Map.of("KUBECONFIG", garbage.toString())))
        .isInstanceOf(KubeConnection.KubeconfigException.class)
        .hasMessageContaining("cannot read the kubeconfig " + garbage);
    assertThatThrownBy(() -> KubeConnection.connect(java.util.Map.of("HOME", dir.toString())))
        .hasMessageContaining("no kubeconfig at " + dir.resolve(".kube/config"));
  }

  @Test
  void aMistypedCommandOrOptionGetsASuggestion() {
    assertThat(run("refesh")).isEqualTo(2);
    assertThat(err.toString()).contains("refresh");
    assertThat(
            run("refresh", "-n", "x", "--registy", "123456789012.dkr.ecr.us-east-1.amazonaws.com"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--registy").contains("--registry");
  }
}
