package io.ecrsecret.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecrsecret.core.IamPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.sts.StsClient;

@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "Print the IAM permission policy for the identity that gets ECR tokens, and, given the"
          + " cluster's OIDC provider, the trust policy that lets a service account assume the role"
          + " (IRSA on EKS, STS mode on ROSA/OpenShift).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  ecr-secret-operator iam-policy --only permission > policy.json",
      "  aws iam create-policy --policy-name EcrPull --policy-document file://policy.json",
      "  ecr-secret-operator iam-policy --oidc-provider https://oidc.op1.openshiftapps.com/abc \\",
      "      --namespace ecr-secret-operator --service-account ecr-secret-operator \\",
      "      --audience openshift --account-id 606639739464 --output-dir iam/",
      "Without --only or --output-dir and with --oidc-provider, prints one JSON object holding both"
          + " documents."
    })
final class IamPolicyCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Option(
      names = "--repository-arn",
      paramLabel = "ARN",
      split = ",",
      description =
          "Allow pulls only from these repositories (default: all). Repeatable; may end in *.")
  List<String> repositoryArns = new ArrayList<>();

  @Option(
      names = "--oidc-provider",
      paramLabel = "URL",
      description = "The cluster's OIDC issuer URL.")
  String oidcProvider;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      defaultValue = "ecr-secret-operator",
      description = "Namespace of the service account (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--service-account",
      paramLabel = "NAME",
      defaultValue = "ecr-secret-operator",
      description = "The service account that assumes the role (default: ${DEFAULT-VALUE}).")
  String serviceAccount;

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
      throw new IllegalArgumentException("--only takes permission or trust, got '" + only + "'");
    }
    String permission = IamPolicies.permissionPolicy(repositoryArns);
    String trust = null;
    if (oidcProvider != null) {
      trust =
          IamPolicies.trustPolicy(
              oidcProvider, account(), partition, namespace, serviceAccount, audience);
    } else if ("trust".equals(only)) {
      throw new IllegalArgumentException("the trust policy needs --oidc-provider URL");
    }
    if (outputDir != null) {
      Files.createDirectories(outputDir);
      Files.writeString(outputDir.resolve("permission-policy.json"), permission + "\n");
      main.out().println("wrote " + outputDir.resolve("permission-policy.json"));
      if (trust != null) {
        Files.writeString(outputDir.resolve("trust-policy.json"), trust + "\n");
        main.out().println("wrote " + outputDir.resolve("trust-policy.json"));
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

  private String account() {
    if (accountId != null) {
      return accountId;
    }
    try (StsClient sts = StsClient.create()) {
      return sts.getCallerIdentity().account();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the trust policy needs the AWS account ID: pass --account-id (asking AWS failed: "
              + e.getClass().getSimpleName()
              + ")");
    }
  }
}
