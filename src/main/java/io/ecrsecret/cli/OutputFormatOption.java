package io.ecrsecret.cli;

/** How a command prints its result. */
enum OutputFormatOption {
  text,
  json
}
