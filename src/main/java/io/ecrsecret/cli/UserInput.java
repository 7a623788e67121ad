package io.ecrsecret.cli;

import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A command's input, read with the project's parsers (registries, durations, names, IAM documents),
 * which say what is wrong with an {@link IllegalArgumentException}: that is the user's mistake,
 * reported as picocli reports a bad option (the message, "Run --help", exit 2). Only here: an
 * exception from anywhere else is not the user's fault and is not reported as such.
 */
final class UserInput {

  private UserInput() {}

  static <T> T read(CommandSpec command, Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
  }

  static void check(CommandSpec command, Runnable check) {
    read(
        command,
        () -> {
          check.run();
          return null;
        });
  }
}
