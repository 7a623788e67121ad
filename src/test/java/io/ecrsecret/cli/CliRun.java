package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.sandbox.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Runs the CLI in this JVM against the sandbox, capturing what it prints. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(Sandbox sandbox, String... args) {
    return run(sandbox, Map.of(), args);
  }

  static CliRun run(Sandbox sandbox, Map<String, String> environment, String... args) {
    var runtime =
        new CliRuntime(
            sandbox.kubernetes()::adminClient,
            Clock.systemUTC(),
            environment,
            new AwsClientSettings(4, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = Main.commandLine(runtime);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
