package io.ecrsecret.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecrsecret.aws.AwsAccessException;
import io.ecrsecret.aws.CallerIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.IamPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "Print the IAM permission policy for the identity that gets ECR tokens, and a trust policy"
          + " for the role it uses: given the cluster's OIDC provider, one that lets a service"
          + " account assume the role (IRSA on EKS, STS mode on ROSA/OpenShift); with --pod-identity,"
          + " one for EKS Pod Identity; with --assume-role, one for a role the operator assumes"
          + " with --role-arn or spec.aws.roleArn (cross-account), trusting the operator's"
          + " principal with the external ID.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  ecr-secret-operator iam-policy --only permission > policy.json",
      "  ecr-secret-operator iam-policy --only permission --ecr-public > policy.json",
      "  aws iam create-policy --policy-name EcrPull --policy-document file://policy.json",
      "  ecr-secret-operator iam-policy --oidc-provider https://oidc.op1.openshiftapps.com/abc \\",
      "      -n ecr-secret-operator --service-account ecr-secret-operator \\",
      "      --audience openshift --account-id 606639739464 --output-dir iam/",
      "  ecr-secret-operator iam-policy --pod-identity --only trust > trust-policy.json",
      "  ecr-secret-operator iam-policy --assume-role --only trust \\",
      "      --principal-arn arn:aws:iam::111122223333:role/ecr-secret-operator \\",
      "      --external-id my-ext-id > cross-account-trust.json",
      "Without --only or --output-dir and with a trust policy asked for, prints one JSON object"
          + " holding both documents."
    })
final class IamPolicyCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @ParentCommand Main main;

  @Option(
      names = "--repository-arn",
      paramLabel = "ARN",
      split = ",",
      description =
          "Allow pulls only from these repositories (default: all). Repeatable; may end in *.")
  List<String> repositoryArns = new ArrayList<>();

  @Option(
      names = "--ecr-public",
      description =
          "Allow ECR Public's token too (public.ecr.aws in --registry or spec.registries):"
              + " ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken.")
  boolean ecrPublic;

  @Option(
      names = "--oidc-provider",
      paramLabel = "URL",
      description = "The cluster's OIDC issuer URL.")
  String oidcProvider;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAME",
      defaultValue = "ecr-secret-operator",
      description = "Namespace of the service account (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--service-account",
      paramLabel = "NAME",
      split = ",",
      defaultValue = "ecr-secret-operator",
      description =
          "The service account that assumes the role (default: ${DEFAULT-VALUE}). Several,"
              + " comma-separated, are each admitted: while switching from rh-mobb's operator,"
              + " ecr-secret-operator,"
              + IamPolicies.RH_MOBB_SERVICE_ACCOUNT
              + " keeps both working.")
  List<String> serviceAccounts;

  @Option(
      names = "--audience",
      paramLabel = "AUD",
      defaultValue = "sts.amazonaws.com",
      description =
          "Token audience: sts.amazonaws.com on EKS, openshift on ROSA (default: ${DEFAULT-VALUE}).")
  String audience;

  @Option(
      names = "--account-id",
      paramLabel = "ID",
      description =
          "AWS account that registered the OIDC provider (default: the caller's, from sts:GetCallerIdentity).")
  String accountId;

  @Option(
      names = "--partition",
      paramLabel = "NAME",
      defaultValue = "aws",
      description = "aws, aws-cn or aws-us-gov (default: ${DEFAULT-VALUE}).")
  String partition;

  @Option(
      names = "--pod-identity",
      description =
          "The trust policy for EKS Pod Identity (the service account is chosen by the Pod"
              + " Identity association: aws eks create-pod-identity-association).")
  boolean podIdentity;

  @Option(
      names = "--assume-role",
      description =
          "The trust policy for a role assumed on top of the operator's identity (--role-arn,"
              + " spec.aws.roleArn), e.g. in the registry's account.")
  boolean assumeRole;

  @Option(
      names = "--principal-arn",
      paramLabel = "ARN",
      description =
          "With --assume-role: the role or user that assumes it, i.e. the operator's or the"
              + " CronJob's identity (default: the caller's, from sts:GetCallerIdentity; give it"
              + " for a role with a path).")
  String principalArn;

  @Option(
      names = "--external-id",
      paramLabel = "ID",
      description = "With --assume-role: require this external ID (what --external-id passes).")
  String externalId;

  @Option(
      names = "--only",
      paramLabel = "permission|trust",
      description = "Print only this document, ready for file://.")
  String only;

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      description = "Write permission-policy.json and trust-policy.json here.")
  Path outputDir;

  @Override
  public Integer call() throws Exception {
    if (only != null && !only.equals("permission") && !only.equals("trust")) {
      throw new ParameterException(
          command.commandLine(), "--only takes permission or trust, got '" + only + "'");
    }
    int kinds = (oidcProvider != null ? 1 : 0) + (podIdentity ? 1 : 0) + (assumeRole ? 1 : 0);
    if (kinds > 1) {
      throw new ParameterException(
          command.commandLine(),
          "choose one trust policy: --oidc-provider, --pod-identity or --assume-role");
    }
    if (!assumeRole && (principalArn != null || externalId != null)) {
      throw new ParameterException(
          command.commandLine(),
          "--principal-arn and --external-id belong to --assume-role; add it");
    }
    String permission =
        UserInput.read(command, () -> IamPolicies.permissionPolicy(repositoryArns, ecrPublic));
    String trust = null;
    if (oidcProvider != null) {
      String account = account();
      trust =
          UserInput.read(
              command,
              () ->
                  IamPolicies.trustPolicy(
                      oidcProvider, account, partition, namespace, serviceAccounts, audience));
    } else if (podIdentity) {
      trust = IamPolicies.podIdentityTrustPolicy();
    } else if (assumeRole) {
      String principal = principal();
      trust =
          UserInput.read(command, () -> IamPolicies.assumeRoleTrustPolicy(principal, externalId));
    } else if ("trust".equals(only)) {
      throw new ParameterException(
          command.commandLine(),
          "the trust policy needs --oidc-provider URL (IRSA, ROSA STS), --pod-identity (EKS Pod"
              + " Identity) or --assume-role (a role assumed on top, cross-account)");
    }
    if (outputDir != null) {
      try {
        Files.createDirectories(outputDir);
        Files.writeString(outputDir.resolve("permission-policy.json"), permission + "\n");
        main.out().println("wrote " + outputDir.resolve("permission-policy.json"));
        if (trust != null) {
          Files.writeString(outputDir.resolve("trust-policy.json"), trust + "\n");
          main.out().println("wrote " + outputDir.resolve("trust-policy.json"));
        }
      } catch (IOException e) {
        // the directory the user named cannot hold the files: their input, said in one line
        throw new ParameterException(
            command.commandLine(),
            "cannot write the policies into --output-dir "
                + outputDir
                + " ("
                + e.getClass().getSimpleName()
                + (e.getMessage() == null || e.getMessage().equals(outputDir.toString())
                    ? ""
                    : ": " + DisplayText.clean(e.getMessage(), DisplayText.VALUE * 2))
                + "): name a directory you can write, or leave --output-dir out to print them");
      }
    } else if ("permission".equals(only) || trust == null) {
      main.out().println(permission);
    } else if ("trust".equals(only)) {
      main.out().println(trust);
    } else {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      var root = json.createObjectNode();
      root.set("permissionPolicy", json.readTree(permission));
      root.set("trustPolicy", json.readTree(trust));
      main.out().println(json.writeValueAsString(root));
    }
    main.out().flush();
    return 0;
  }

  private String principal() {
    if (principalArn != null) {
      return principalArn;
    }
    try {
      return IamPolicies.principalOf(CallerIdentity.ofDefaultChain().arn());
    } catch (AwsAccessException e) {
      throw new ParameterException(
          command.commandLine(),
          "the trust policy needs the principal that assumes the role: pass --principal-arn ("
              + e.getMessage()
              + ")");
    }
  }

  private String account() {
    if (accountId != null) {
      return accountId;
    }
    try {
      return CallerIdentity.ofDefaultChain().account();
    } catch (AwsAccessException e) {
      throw new ParameterException(
          command.commandLine(),
          "the trust policy needs the AWS account ID: pass --account-id (" + e.getMessage() + ")");
    }
  }
}
