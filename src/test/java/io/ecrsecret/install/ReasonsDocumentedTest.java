package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.aws.AwsAccessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reason the code can put in a status, a failed namespace or an Event is in the reasons table
 * of docs/operations.md, so that a user who sees one finds what it means and what fixes it.
 */
class ReasonsDocumentedTest {

  /**
   * CamelCase literals of the code that are not reasons: AWS error codes it recognises, kinds,
   * condition types, IAM and selector words, pod states.
   */
  private static final Set<String> NOT_REASONS =
      Set.of(
          "AssumeRoleWithWebIdentity",
          "CertPath",
          "ClusterEcrPullSecret",
          "DoesNotExist",
          "EcrPullSecret",
          "ErrImagePull",
          "ExpiredToken",
          "ExpiredTokenException",
          "GetEcrAuthorizationToken",
          "ImagePullBackOff",
          "IncompleteSignature",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "MissingAuthenticationToken",
          "NotIn",
          "PullImages",
          "ServiceAccountsLinked",
          "SignatureDoesNotMatch",
          "StringEquals",
          "UnrecognizedClientException");

  private static final Pattern CAMEL_CASE_LITERAL =
      Pattern.compile("\"([A-Z][a-z]+(?:[A-Z][a-z]+)+)\"");

  @Test
  void everyReasonTheCodeSetsIsInTheOperationsTable() throws IOException {
    var reasons = new TreeSet<String>();
    Arrays.stream(AwsAccessException.Kind.values()).map(k -> k.reason()).forEach(reasons::add);
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        var matcher = CAMEL_CASE_LITERAL.matcher(Files.readString(file));
        while (matcher.find()) {
          reasons.add(matcher.group(1));
        }
      }
    }
    reasons.removeAll(NOT_REASONS);
    assertThat(reasons).as("the scan finds the reasons").contains("SecretReady", "AwsError");

    String docs = Files.readString(Path.of("docs/operations.md"));
    String table =
        docs.substring(docs.indexOf("## Troubleshooting by reason"), docs.indexOf("## Alerting"));
    assertThat(reasons)
        .as(
            "reasons missing from docs/operations.md's table (a CamelCase literal that is no"
                + " reason belongs in NOT_REASONS)")
        .allMatch(r -> table.contains("`" + r + "`"));
  }
}
