package io.ecrsecret.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Commands that are planned but not built yet. Each says so and exits non-zero, so that no script
 * mistakes it for one that worked.
 */
abstract class NotYetImplemented implements Callable<Integer> {

  static final int EXIT_CODE = 3;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .printf("ecr-secret-operator %s: not yet implemented in this build.%n", spec.name());
    return EXIT_CODE;
  }

  @Command(
      name = "operator",
      mixinStandardHelpOptions = true,
      description = "Run the Kubernetes operator (not yet implemented).")
  static final class Operator extends NotYetImplemented {}
}
