package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.RefreshReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshReportPrinterTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static RefreshReport report(NamespaceOutcome... outcomes) {
    return new RefreshReport(
        "ecr-pull-secret",
        List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        false,
        NOW,
        Optional.of(NOW.plusSeconds(43_200)),
        NOW.plusSeconds(32_400),
        List.of(outcomes));
  }

  @Test
  void aSecretWrittenWhoseLinkFailedSaysBoth() {
    var linkFailed =
        new NamespaceOutcome(
            "team-a",
            NamespaceOutcome.FAILED,
            "LinkFailed",
            List.of("service account team-a/deployer does not exist"),
            List.of("default"),
            List.of(),
            List.of(),
            NamespaceOutcome.CREATED,
            false,
            List.of());
    String text = RefreshReportPrinter.text(report(linkFailed), NOW);
    assertThat(text)
        .contains("created, link failed", "deployer does not exist")
        .contains("0 created, 0 updated, 0 unchanged, 1 failed");
    String json = RefreshReportPrinter.json(report(linkFailed));
    assertThat(json).contains("\"result\" : \"failed\"", "\"secret\" : \"created\"");
  }

  @Test
  void aGlobThatMatchesNothingPrintsNoEmptyNamespace() {
    var none = NamespaceOutcome.failed("", "NoNamespaceMatched", "no namespace matches 'team-*'");
    String text = RefreshReportPrinter.text(report(none), NOW);
    assertThat(text.lines().skip(1).findFirst().orElseThrow())
        .startsWith("-")
        .contains("no namespace matches 'team-*'");
  }
}
