package io.ecrsecret.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.RefreshReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prints a refresh report for people (a table and a summary) or machines (JSON). */
final class RefreshReportPrinter {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RefreshReportPrinter() {}

  static String text(RefreshReport report, Instant now) {
    var rows = new ArrayList<List<String>>();
    rows.add(List.of("NAMESPACE", "SECRET", "RESULT", "DETAIL"));
    for (NamespaceOutcome n : report.namespaces()) {
      String result =
          (report.dryRun()
                      && !n.result().equals(NamespaceOutcome.FAILED)
                      && !n.result().equals(NamespaceOutcome.UNCHANGED)
                  ? "would be "
                  : "")
              + n.describeResult();
      rows.add(
          List.of(
              n.namespace().isEmpty() ? "-" : n.namespace(),
              report.secretName(),
              result,
              detail(n)));
    }
    var out = new StringBuilder(Table.render(rows));
    out.append('\n')
        .append("ECR secret status")
        .append(report.dryRun() ? " (dry run: nothing was written)" : "")
        .append(":\n");
    line(out, "Secret", report.secretName());
    line(
        out,
        "Namespaces",
        report.namespaces().size()
            + " ("
            + report.count(NamespaceOutcome.CREATED)
            + " created, "
            + report.count(NamespaceOutcome.UPDATED)
            + " updated, "
            + report.count(NamespaceOutcome.UNCHANGED)
            + " unchanged, "
            + report.count(NamespaceOutcome.FAILED)
            + " failed)");
    line(out, "Registries", String.join(", ", report.registries()));
    line(out, "Refreshed", report.refreshedAt().toString());
    line(
        out,
        "Token valid until",
        report
            .tokenExpiresAt()
            .map(
                e ->
                    e
                        + " ("
                        + (e.isAfter(now)
                            ? "in " + DurationText.format(Duration.between(now, e))
                            : "ALREADY EXPIRED")
                        + ")")
            .orElse("no token obtained"));
    line(out, "Next refresh needed", report.nextRefreshAt().toString());
    return out.toString();
  }

  private static String detail(NamespaceOutcome n) {
    var parts = new ArrayList<String>();
    if (!n.linkedServiceAccounts().isEmpty()) {
      parts.add("linked: " + String.join(",", n.linkedServiceAccounts()));
    }
    if (!n.restartedDeployments().isEmpty()) {
      parts.add("restarted: " + String.join(",", n.restartedDeployments()));
    }
    if (!n.healedPods().isEmpty()) {
      parts.add("deleted stuck pods: " + String.join(",", n.healedPods()));
    }
    parts.addAll(n.problems());
    return String.join("; ", parts);
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append(String.format("  %-20s %s%n", label + ":", value));
  }

  static String json(RefreshReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("secretName", report.secretName());
    root.put("dryRun", report.dryRun());
    ArrayNode registries = root.putArray("registries");
    report.registries().forEach(registries::add);
    root.put("refreshedAt", report.refreshedAt().toString());
    root.put("tokenExpiresAt", report.tokenExpiresAt().map(Instant::toString).orElse(null));
    root.put("nextRefreshAt", report.nextRefreshAt().toString());
    root.put("succeeded", report.succeeded());
    ObjectNode summary = root.putObject("summary");
    for (String r :
        List.of(
            NamespaceOutcome.CREATED,
            NamespaceOutcome.UPDATED,
            NamespaceOutcome.UNCHANGED,
            NamespaceOutcome.FAILED)) {
      summary.put(r, report.count(r));
    }
    ArrayNode namespaces = root.putArray("namespaces");
    for (NamespaceOutcome n : report.namespaces()) {
      ObjectNode item = namespaces.addObject();
      item.put("namespace", n.namespace());
      item.put("result", n.result());
      if (!n.secretResult().isEmpty()) {
        item.put("secret", n.secretResult());
      }
      if (!n.reason().isEmpty()) {
        item.put("reason", n.reason());
      }
      n.problems().forEach(item.withArray("problems")::add);
      n.linkedServiceAccounts().forEach(item.withArray("linkedServiceAccounts")::add);
      n.restartedDeployments().forEach(item.withArray("restartedDeployments")::add);
      n.healedPods().forEach(item.withArray("healedPods")::add);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
