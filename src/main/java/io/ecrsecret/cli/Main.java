package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsAccessException;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.operator.EcrSecretOperator;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      "Kubernetes: the current kubeconfig (KUBECONFIG), or the in-cluster service account.",
      "AWS: credentials, region and endpoints from the AWS SDK's standard settings",
      "(AWS_REGION, AWS_PROFILE, AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ENDPOINT_URL, ...).",
      "Every option can also be set by environment variable: --secret-name as ECR_SECRET_NAME.",
      "Logging goes to stderr; ECR_LOG_LEVEL=INFO or DEBUG says more (never a token).",
      "Run 'ecr-secret-operator COMMAND --help' for a command's options."
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final CliRuntime runtime;

  public Main(CliRuntime runtime) {
    this.runtime = runtime;
  }

  public static void main(String[] args) {
    if (System.getenv("ECR_LOG_LEVEL") == null && System.getProperty("ECR_LOG_LEVEL") == null) {
      // one-shot commands print their own report: logs only for what goes wrong
      boolean operator = args.length > 0 && args[0].equals("operator");
      System.setProperty("ECR_LOG_LEVEL", operator ? "INFO" : "WARN");
    }
    System.exit(commandLine(CliRuntime.system(), args).execute(args));
  }

  /**
   * The commands, in the order help lists them, each made only when the command line needs it.
   *
   * <p>No lambda or method reference in this wiring names a picocli type: picocli is compiled for
   * Java 5, and the JDK's AOT cache assembly (the image's, scripts/aot-cache) crashes on a call
   * site it links ahead of time whose types are such old classes. Classes, loops and the nested
   * handlers below instead.
   */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("operator", OperatorCommand.class);
    COMMANDS.put("refresh", RefreshCommand.class);
    COMMANDS.put("status", StatusCommand.class);
    COMMANDS.put("verify", VerifyCommand.class);
    COMMANDS.put("iam-policy", IamPolicyCommand.class);
    COMMANDS.put("help", CommandLine.HelpCommand.class);
  }

  /** The command line, wired to the given runtime, with every command. */
  public static CommandLine commandLine(CliRuntime runtime) {
    return commandLine(runtime, COMMANDS.keySet());
  }

  /**
   * The command line for these arguments: where they start with a command, with that command alone.
   * picocli reads every command's annotations when it builds one: about a tenth of a second at each
   * operator start spent on the CLI's options. What it prints and accepts is the same.
   */
  static CommandLine commandLine(CliRuntime runtime, String[] args) {
    boolean one = args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help");
    return commandLine(runtime, one ? Set.of(args[0]) : COMMANDS.keySet());
  }

  private static CommandLine commandLine(CliRuntime runtime, Set<String> commands) {
    CommandLine cli = new CommandLine(new Main(runtime));
    for (var command : COMMANDS.entrySet()) {
      if (commands.contains(command.getKey())) {
        cli.addSubcommand(command.getValue());
      }
    }
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setDefaultValueProvider(new EnvironmentDefaults(runtime.environment()));
    cli.setExecutionExceptionHandler(new FailureHandler());
    cli.setParameterExceptionHandler(new UsageErrorHandler());
    return cli;
  }

  private static final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
      return handle(e, cli, parsed);
    }
  }

  private static final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
      return usageError(e, args);
    }
  }

  /** A usage error: what is wrong, the near names of a mistyped one, and where help is; exit 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.printf("error: %s%n", e.getMessage());
    // a mistyped command or option: name the near ones ("Did you mean: refresh?")
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      unmatched.printSuggestions(err);
    } else {
      // picocli reports a missing required option before an unknown one: name the typo
      unknownOptions(e.getCommandLine().getCommandSpec(), args).forEach(err::println);
    }
    err.printf("Run '%s --help' for usage.%n", e.getCommandLine().getCommandSpec().qualifiedName());
    err.flush();
    return 2;
  }

  /** "Unknown option --registy; did you mean --registry?" for each option the command lacks. */
  static List<String> unknownOptions(CommandLine.Model.CommandSpec command, String[] args) {
    var known = new java.util.TreeSet<String>();
    command.options().forEach(o -> known.addAll(List.of(o.names())));
    var lines = new java.util.ArrayList<String>();
    for (String arg : args) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!name.startsWith("--") || known.contains(name)) {
        continue;
      }
      String nearest =
          known.stream()
              .filter(k -> k.startsWith("--"))
              .min(java.util.Comparator.comparingInt(k -> distance(k, name)))
              .orElse(null);
      lines.add(
          "Unknown option "
              + name
              + (nearest != null && distance(nearest, name) <= 3
                  ? "; did you mean " + nearest + "?"
                  : ""));
    }
    return lines;
  }

  /** Levenshtein distance, for suggestions. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      previous = current;
    }
    return previous[b.length()];
  }

  CliRuntime runtime() {
    return runtime;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command.");
  }

  /** Known failures become one clear line and an exit code; messages never hold a secret. */
  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    if (e instanceof CommandLine.ParameterException usage) {
      // a command's input its parsers refused (UserInput)
      return usageError(usage, parsed.originalArgs().toArray(String[]::new));
    }
    PrintWriter err = cli.getErr();
    if (e instanceof AwsAccessException
        || e instanceof AwsKeysSecretReader.UnusableKeysException
        || e instanceof KubeConnection.KubeconfigException
        || e instanceof EcrSecretOperator.NoCrdInstalledException) {
      err.printf("error: %s%n", e.getMessage());
    } else if (e instanceof KubernetesClientException k) {
      String status =
          k.getStatus() != null && k.getStatus().getMessage() != null
              ? k.getStatus().getMessage()
              : k.getMessage();
      if (k.getCode() == 401) {
        err.printf(
            "error: the Kubernetes API did not accept the credentials (HTTP 401): %s%nLog in"
                + " again, or check the token or certificate in KUBECONFIG.%n",
            DisplayText.clean(status, DisplayText.MESSAGE));
      } else if (k.getCode() == 403) {
        err.printf(
            "error: the Kubernetes API answered HTTP 403: %s%nCheck the RBAC permissions of the"
                + " identity in KUBECONFIG (or of the in-cluster service account).%n",
            DisplayText.clean(status, DisplayText.MESSAGE));
      } else if (k.getCode() > 0) {
        err.printf(
            "error: the Kubernetes API answered HTTP %d: %s%n",
            k.getCode(), DisplayText.clean(status, DisplayText.MESSAGE));
      } else {
        err.printf(
            "error: cannot reach the Kubernetes API%s: %s%nCheck KUBECONFIG (or the in-cluster"
                + " service account) and the network.%n",
            KubeConnection.server().map(u -> " at " + u).orElse(""), unreachable(k));
      }
    } else {
      // not one we know: a fault of ours or of the machine, with what tells where it happened
      err.printf(
          "error: %s: %s%nThis is unexpected; the trace below says where it happened:%n",
          e.getClass().getSimpleName(), DisplayText.clean(e.getMessage(), DisplayText.MESSAGE));
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  /** Why a connection failed, in words where the JDK gives none. */
  private static String unreachable(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof java.nio.channels.ClosedChannelException
        || cause instanceof java.net.ConnectException) {
      return "the connection was refused or closed (is the server running, and is this its"
          + " address?)";
    }
    if (cause instanceof java.nio.channels.UnresolvedAddressException
        || cause instanceof java.net.UnknownHostException) {
      return "its host name does not resolve";
    }
    if (cause instanceof javax.net.ssl.SSLException
        || cause instanceof java.security.cert.CertificateException
        || cause.getClass().getSimpleName().contains("CertPath")) {
      return "its TLS certificate is not trusted by the kubeconfig's certificate authority ("
          + DisplayText.clean(cause.getMessage(), 200)
          + ")";
    }
    return rootCause(e);
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /**
   * The version the build wrote into {@code version.properties} (a resource, so that it is there
   * whether the classes are in the jar or, as in the image, in a directory).
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      var properties = new java.util.Properties();
      try (var in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      String version = properties.getProperty("version", "");
      return new String[] {
        "ecr-secret-operator "
            + (version.isEmpty() || version.startsWith("${") ? "(development build)" : version)
      };
    }
  }
}
