package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsEcrTokenSource;
import io.ecrsecret.aws.TokenCache;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.PullSecretWriter;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "refresh",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "Get fresh ECR tokens and write them into pull secrets, once: created where missing,"
          + " updated in place where present (never deleted and recreated), linked to service"
          + " accounts. One AWS call per region, however many namespaces.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  ecr-secret-operator refresh -n team-a -n 'team-*' -r 123456789012.dkr.ecr.us-east-1.amazonaws.com",
      "  ecr-secret-operator refresh -l ecr-pull=enabled -r 123456789012:eu-west-1 --secret-name regcred",
      "  ecr-secret-operator refresh -n cf-dev -r 818140567777.dkr.ecr.us-east-1.amazonaws.com \\",
      "      --role-arn arn:aws:iam::818140567777:role/ECRCrossAccountRole --external-id X",
      "",
      "Every option can be set by environment variable instead: --secret-name as"
          + " ECR_SECRET_NAME, --namespace as ECR_NAMESPACE (comma-separated), and so on.",
      "Exit status: 0 every namespace succeeded, 1 some failed, 2 usage error."
    })
final class RefreshCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @ParentCommand Main main;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAME|GLOB",
      split = ",",
      description = "Namespace to write into; globs like 'team-*' allowed. Repeatable.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = {"-l", "--namespace-selector"},
      paramLabel = "SELECTOR",
      description = "Also every namespace matching this label selector, e.g. 'ecr-pull=enabled'.")
  String namespaceSelector;

  @Option(
      names = "--exclude-namespace",
      paramLabel = "NAME|GLOB",
      split = ",",
      description = "Leave these namespaces out. Repeatable.")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--create-namespace",
      description = "Create namespaces named with --namespace that do not exist.")
  boolean createNamespace;

  @Option(
      names = {"-r", "--registry"},
      paramLabel = "REGISTRY",
      split = ",",
      required = true,
      description =
          "ECR registry: ACCOUNT.dkr.ecr.REGION.amazonaws.com (also ecr-fips and"
              + " amazonaws.com.cn), its dual-stack (IPv6) name ACCOUNT.dkr-ecr.REGION.on.aws"
              + " (also dkr-ecr-fips), or ACCOUNT:REGION. Repeatable: one secret, many registries"
              + " (give both names to have an entry under each).")
  List<String> registries = new ArrayList<>();

  @picocli.CommandLine.Mixin AwsEndpointOptions awsEndpoints;

  @Option(
      names = {"-s", "--secret-name"},
      paramLabel = "NAME",
      defaultValue = RefreshSpec.DEFAULT_SECRET_NAME,
      description = "Name of the secret to write (default: ${DEFAULT-VALUE}).")
  String secretName;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = RefreshSpec.DEFAULT_FORMAT,
      description =
          "dockerconfigjson (an image-pull secret), argocd-helm (an Argo CD repository secret"
              + " for Helm charts in ECR) or argocd-helm-creds (an Argo CD credential template for"
              + " every chart repository under --argocd-url). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--argocd-url",
      paramLabel = "URL",
      description =
          "Repository URL (--format argocd-helm) or URL prefix (argocd-helm-creds). Default: the"
              + " registry host.")
  String argoUrl;

  @Option(
      names = "--service-account",
      paramLabel = "NAME",
      split = ",",
      defaultValue = RefreshSpec.DEFAULT_SERVICE_ACCOUNT,
      description =
          "Service accounts whose imagePullSecrets get the secret; links others made are kept."
              + " '*' (quoted): every service account of the namespace. Default: ${DEFAULT-VALUE}.")
  List<String> serviceAccounts = new ArrayList<>();

  @Option(names = "--no-link", description = "Link the secret to no service account.")
  boolean noLink;

  @Option(
      names = "--builder-link",
      paramLabel = "auto|always|never",
      defaultValue = RefreshSpec.DEFAULT_BUILDER_LINK,
      description =
          "Also let OpenShift's 'builder' account use the secret for builds and pushes"
              + " (oc secrets link builder SECRET --for=pull,mount). auto: where the account"
              + " exists. Default: ${DEFAULT-VALUE}.")
  String builderLink;

  @Option(
      names = "--adopt",
      description =
          "Take over a secret of that name that this program does not manage (its entries"
              + " for other registries are kept). Without it such a secret is left alone.")
  boolean adopt;

  @Option(names = "--dry-run", description = "Say what would be done; write nothing.")
  boolean dryRun;

  @Option(
      names = "--restart-deployment",
      paramLabel = "NAME",
      split = ",",
      description = "Restart these Deployments after the refresh (kubectl rollout restart).")
  List<String> restartDeployments = new ArrayList<>();

  @Option(
      names = "--heal-pull-failures",
      description =
          "Delete pods stuck in ImagePullBackOff/ErrImagePull on an image from these"
              + " registries, so their controllers recreate them with the fresh secret.")
  boolean healPullFailures;

  @Option(
      names = "--refresh-margin",
      paramLabel = "DURATION",
      defaultValue = RefreshPolicy.DEFAULT_MARGIN_TEXT,
      converter = DurationConverter.class,
      description =
          "Refresh this long before the token expires (reported as next refresh), 1m to 11h."
              + " Default: ${DEFAULT-VALUE}.")
  Duration margin;

  @Mixin AwsIdentityOptions identity;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    // what can be checked without a cluster is checked before connecting to one
    UserInput.check(
        command,
        () -> {
          RefreshPolicy.checkedMargin(margin, "--refresh-margin");
          serviceAccounts.stream()
              .filter(a -> !a.equals(RefreshSpec.ALL_SERVICE_ACCOUNTS))
              .forEach(RefreshSpec::checkServiceAccountName);
          if (namespaceSelector != null) {
            io.ecrsecret.core.LabelSelectorText.parse(namespaceSelector);
          }
        });
    CliRuntime runtime = main.runtime();
    try (KubernetesClient client = runtime.kubernetes().get();
        AwsEcrTokenSource aws = new AwsEcrTokenSource(awsEndpoints.applyTo(runtime.aws()))) {
      RefreshPolicy policy = RefreshPolicy.DEFAULT.withMargin(margin);
      RefreshSpec spec = UserInput.read(command, () -> spec(client));
      var refresher =
          new PullSecretRefresher(
              client,
              new TokenCache(aws, runtime.clock(), policy.minimumInterval()),
              runtime.clock(),
              policy);
      RefreshReport report = refresher.refresh(spec);
      var out = main.out();
      if (output.json()) {
        out.println(RefreshReportPrinter.json(report));
      } else {
        out.print(RefreshReportPrinter.text(report, runtime.clock().instant()));
      }
      out.flush();
      return report.succeeded() ? 0 : 1;
    }
  }

  private RefreshSpec spec(KubernetesClient client) {
    if (namespaces.isEmpty() && namespaceSelector == null) {
      throw new IllegalArgumentException(
          "no namespace chosen: pass --namespace NAME (or a glob) or --namespace-selector SELECTOR");
    }
    return RefreshSpec.builder(
            registries.stream().map(RegistryRef::parse).toList(),
            identity.resolve(client),
            new NamespaceSelection(
                namespaces.stream().map(NamespacePattern::new).toList(),
                Optional.ofNullable(namespaceSelector),
                excludes.stream().map(NamespacePattern::new).toList()),
            PullSecretWriter.CLI_OWNER)
        .secretName(secretName)
        .format(OutputFormat.parse(format))
        .argoUrl(Optional.ofNullable(argoUrl))
        .createNamespaces(createNamespace)
        .serviceAccounts(noLink ? List.of() : serviceAccounts)
        .builderLink(parseBuilderLink())
        .adoption(adopt ? PullSecretWriter.Adoption.ADOPT : PullSecretWriter.Adoption.NEVER)
        .dryRun(dryRun)
        .restartDeployments(restartDeployments)
        .healing(healPullFailures ? RefreshSpec.Healing.EVERY_REFRESH : RefreshSpec.Healing.NEVER)
        .refreshMargin(margin)
        .jitter(java.util.concurrent.ThreadLocalRandom.current().nextDouble())
        .build();
  }

  private RefreshSpec.BuilderLink parseBuilderLink() {
    try {
      return RefreshSpec.BuilderLink.valueOf(builderLink.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--builder-link takes auto, always or never, got '" + builderLink + "'");
    }
  }
}
