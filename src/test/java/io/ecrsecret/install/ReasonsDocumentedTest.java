package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.StatusReason;
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
   * CamelCase literals of the code that are not our reasons: AWS error codes it recognises, kinds,
   * condition types, IAM and selector words, pod states.
   */
  private static final Set<String> NOT_REASONS =
      Set.of(
          "AccessDenied", // also the prefix of AWS's error codes, which AwsFailures reads
          "AssumeRoleWithWebIdentity",
          "CertPath",
          "ClusterEcrPullSecret",
          "DoesNotExist",
          "EcrPullSecret",
          "ErrImagePull",
          "ExpiredToken",
          "ExpiredTokenException",
          "GetEcrAuthorizationToken",
          "GetEcrPublicAuthorizationToken",
          "ImagePullBackOff",
          "IncompleteSignature",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "MissingAuthenticationToken",
          "NotIn",
          "PullImages",
          "PullVerified",
          "ServiceAccountsLinked",
          "SignatureDoesNotMatch",
          "StringEquals",
          "UnrecognizedClientException");

  private static final Pattern CAMEL_CASE_LITERAL =
      Pattern.compile("\"([A-Z][a-z]+(?:[A-Z][a-z]+)+)\"");

  @Test
  void everyReasonIsInTheOperationsTable() throws IOException {
    String docs = Files.readString(Path.of("docs/operations.md"));
    String table =
        docs.substring(docs.indexOf("## Troubleshooting by reason"), docs.indexOf("## Alerting"));
    assertThat(Arrays.stream(StatusReason.values()).map(StatusReason::text))
        .as("reasons missing from docs/operations.md's table")
        .allMatch(r -> table.contains("`" + r + "`"));
  }

  /** A reason written as a bare string would escape the table: reasons come from StatusReason. */
  @Test
  void theCodeNamesReasonsOnlyThroughTheEnum() throws IOException {
    var literals = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (file.getFileName().toString().equals("StatusReason.java")) {
          continue;
        }
        var matcher = CAMEL_CASE_LITERAL.matcher(Files.readString(file));
        while (matcher.find()) {
          literals.add(matcher.group(1));
        }
      }
    }
    literals.removeAll(NOT_REASONS);
    assertThat(literals)
        .as(
            "CamelCase literals in the code: a reason belongs in StatusReason (and the table of"
                + " docs/operations.md), anything else in NOT_REASONS")
        .isEmpty();
  }
}
