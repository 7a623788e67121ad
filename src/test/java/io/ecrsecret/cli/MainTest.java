package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine(CliRuntime.system());
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
}
