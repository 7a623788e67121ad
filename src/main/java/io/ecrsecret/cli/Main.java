package io.ecrsecret.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the one jar: the operator and the one-shot CLI commands. */
@Command(
    name = "ecr-secret-operator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Keeps Amazon ECR image-pull secrets valid in Kubernetes and OpenShift clusters.",
      "",
      "Run it as an operator (custom resources, status, metrics) or as a one-shot CLI",
      "from a CronJob, a pipeline, Ansible or Terraform.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "AWS credentials and endpoints come from the AWS SDK's standard settings",
      "(AWS_REGION, AWS_PROFILE, AWS_ROLE_ARN, AWS_ENDPOINT_URL, ...).",
      "Run 'ecr-secret-operator COMMAND --help' for a command's options."
    },
    subcommands = {
      NotYetImplemented.Operator.class,
      NotYetImplemented.Refresh.class,
      NotYetImplemented.Status.class,
      NotYetImplemented.Verify.class,
      NotYetImplemented.IamPolicy.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, without exiting the JVM. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command.");
  }

  /** The version recorded in the jar's manifest at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "ecr-secret-operator " + (version == null ? "(development build)" : version)
      };
    }
  }
}
