package io.ecrsecret.cli;

import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.OperatorConfig;
import io.ecrsecret.operator.OperatorConfig.Defaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "Run the Kubernetes operator: keep the pull secrets of every EcrPullSecret and"
          + " ClusterEcrPullSecret (and rh-mobb's ecr.mobb.redhat.com kinds, where installed)"
          + " valid, for good; report in status, events and metrics. Runs until stopped.",
      ""
    },
    footer = {
      "",
      "Example:  ecr-secret-operator operator --watch-namespace team-a,team-b --allowed-role-arns 'arn:aws:iam::*:role/ecr-pull-*'",
      "Every option can be set by environment variable: --metrics-port as ECR_METRICS_PORT, and so on."
    })
final class OperatorCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @ParentCommand Main main;

  @Option(
      names = "--watch-namespace",
      paramLabel = "NAME",
      split = ",",
      description = "Serve namespaced resources in these namespaces only. Default: all.")
  List<String> watchNamespaces = new ArrayList<>();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = Defaults.METRICS_PORT,
      description = "Prometheus /metrics (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      defaultValue = Defaults.HEALTH_PORT,
      description = "/healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Only the leader reconciles, so several replicas are safe (default: on).")
  boolean leaderElection;

  @Option(
      names = "--lease-name",
      paramLabel = "NAME",
      defaultValue = Defaults.LEASE_NAME,
      description = "The Lease for leader election (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NAME",
      description = "Where the Lease lives (default: the operator's own namespace).")
  String leaseNamespace;

  @Option(
      names = "--allowed-role-arns",
      paramLabel = "GLOB",
      split = ",",
      description =
          "IAM roles (globs) any namespaced EcrPullSecret may assume: '*' matches within one part"
              + " of the ARN's path (never across '/'), '**' across. Others need the namespace"
              + " annotation ecr-secret-operator.io/allowed-role-arns. Default: none.")
  List<String> allowedRoleArns = new ArrayList<>();

  @Option(
      names = "--default-identity-for-namespaced",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Let namespaced resources without an aws block use the operator's own AWS identity"
              + " (default: on).")
  boolean defaultIdentityForNamespaced;

  @Option(
      names = "--compat",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Serve rh-mobb's ecr.mobb.redhat.com kinds where their CRDs are installed (default: on).")
  boolean compat;

  @Option(
      names = "--compat-credentials-secret",
      paramLabel = "NAME",
      description =
          "rh-mobb's kinds use the AWS credentials in this Secret of the operator's namespace, as"
              + " rh-mobb's operator did: key 'credentials', an AWS shared credentials file"
              + " (profile default; static keys, or role_arn with web_identity_token_file or"
              + " source_profile). rh-mobb's name for it: aws-ecr-cloud-credentials. Default:"
              + " none (the operator's own identity).")
  String compatCredentialsSecret;

  @Option(
      names = "--compat-identity-namespaces",
      paramLabel = "NAMESPACE",
      split = ",",
      description =
          "With --no-default-identity-for-namespaced: the namespaces (names or globs) whose"
              + " rh-mobb resources may still use the platform's identity (the"
              + " --compat-credentials-secret, or the operator's own). rh-mobb's kinds have no aws"
              + " block, so elsewhere they are refused (IdentityNotAllowed), as an EcrPullSecret"
              + " without one is. Default: none.")
  List<String> compatIdentityNamespaces = new ArrayList<>();

  @Option(
      names = "--compat-adopt-other-secrets",
      description =
          "rh-mobb's kinds take over only secrets rh-mobb's operator made (its owner reference);"
              + " with this they also adopt any other secret of their name, as an EcrPullSecret with"
              + " adopt: true does (recorded, given back as it was when the resource goes). Default:"
              + " off (such a secret is left alone: SecretNotManaged).")
  boolean compatAdoptOtherSecrets;

  @Option(
      names = "--max-reconcile-interval",
      paramLabel = "DURATION",
      defaultValue = Defaults.MAX_RECONCILE_INTERVAL,
      converter = DurationConverter.class,
      description = "Reconcile every resource at least this often (default: ${DEFAULT-VALUE}).")
  Duration maxReconcileInterval;

  @Option(
      names = "--retry-backoff",
      paramLabel = "DURATION",
      defaultValue = Defaults.RETRY_BACKOFF,
      converter = DurationConverter.class,
      description =
          "First wait after a failure; doubles each time, up to 10m (default: ${DEFAULT-VALUE}).")
  Duration retryBackoff;

  @Option(
      names = "--own-pull-secret-registry",
      paramLabel = "HOST",
      split = ",",
      description =
          "The ECR registries the operator's own image comes from (ACCOUNT.dkr.ecr.REGION"
              + ".amazonaws.com): the leader keeps the pull secret --own-pull-secret in its"
              + " namespace valid for them, with its own identity, so that its pods still pull"
              + " after the first 12 hours. Make that secret once by hand for the first pull;"
              + " it is adopted. Default: none.")
  List<String> ownPullSecretRegistries = new ArrayList<>();

  @Option(
      names = "--own-pull-secret",
      paramLabel = "NAME",
      defaultValue = Defaults.OWN_PULL_SECRET,
      description =
          "The pull secret the operator's pods name in imagePullSecrets (default:"
              + " ${DEFAULT-VALUE}).")
  String ownPullSecret;

  @Option(
      names = "--registry-endpoint",
      paramLabel = "HOST=URL",
      split = ",",
      description =
          "Reach registry HOST at URL instead of https://HOST to prove pulls (spec.verify): a"
              + " mirror, a proxy. Repeatable.")
  java.util.Map<String, String> registryEndpoints = new java.util.LinkedHashMap<>();

  @picocli.CommandLine.Mixin AwsEndpointOptions awsEndpoints;

  @Override
  public Integer call() throws InterruptedException {
    var runtime = main.runtime();
    var config =
        UserInput.read(
            command,
            () ->
                OperatorConfig.builder()
                    .watchNamespaces(watchNamespaces)
                    .ports(metricsPort, healthPort)
                    .leaderElection(leaderElection)
                    .lease(leaseName, Optional.ofNullable(leaseNamespace))
                    .allowedRoleArns(allowedRoleArns)
                    .defaultIdentityForNamespaced(defaultIdentityForNamespaced)
                    .compat(compat)
                    .compatCredentialsSecret(Optional.ofNullable(compatCredentialsSecret))
                    .compatIdentityNamespaces(compatIdentityNamespaces)
                    .compatAdoptOtherSecrets(compatAdoptOtherSecrets)
                    .maxReconcileInterval(maxReconcileInterval)
                    .identity(Optional.ofNullable(runtime.environment().get("POD_NAME")))
                    .retryBackoff(retryBackoff)
                    .ownPullSecret(ownPullSecretRegistries, ownPullSecret)
                    .registryEndpoints(registryEndpoints)
                    .build());
    var client = runtime.kubernetes().get();
    var stopped = new CountDownLatch(1);
    var operator =
        EcrSecretOperator.start(
            config, client, runtime.clock(), awsEndpoints.applyTo(runtime.aws()));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
