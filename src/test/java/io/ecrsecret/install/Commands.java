package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool as the install tests do: with extra environment, all it printed, its exit code. */
final class Commands {

  /** The exit code and all a command printed (standard output and error). */
  record Run(int exitCode, String output) {}

  private Commands() {}

  /** Runs {@code command} (each part by its {@code toString}) with {@code env} added. */
  static Run run(Map<String, String> env, Object... command)
      throws IOException, InterruptedException {
    var args = new ArrayList<String>();
    for (Object c : command) {
      args.add(c.toString());
    }
    var builder = new ProcessBuilder(args).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(600, TimeUnit.SECONDS)).as(String.join(" ", args)).isTrue();
    return new Run(process.exitValue(), output);
  }
}
