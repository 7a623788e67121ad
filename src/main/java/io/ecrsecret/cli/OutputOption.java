package io.ecrsecret.cli;

import picocli.CommandLine.Option;

/** {@code -o text|json}, shared by the commands that print a result. */
final class OutputOption {

  /** How a command prints its result. */
  enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  Format format;

  boolean json() {
    return format == Format.json;
  }
}
