package io.ecrsecret.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.PullSecretWriter;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "List the pull secrets this program manages, when their tokens expire and how much time is"
          + " left, who keeps each (the CLI, an EcrPullSecret, a ClusterEcrPullSecret, an rh-mobb"
          + " resource; adopted where it existed before) and which service accounts name it;"
          + " flag those expired or about to expire.",
      ""
    },
    footer = {
      "",
      "Example:  ecr-secret-operator status -n 'team-*' --warn-within 4h",
      "Exit status: 0 all fine, 1 some secret expired, expires within --warn-within, or has an"
          + " unknown expiry, or a namespace named exactly does not exist or holds none of our"
          + " secrets, 2 usage error."
    })
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @ParentCommand Main main;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAME|GLOB",
      split = ",",
      description = "Only these namespaces (globs allowed). Default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--warn-within",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = DurationConverter.class,
      description = "Flag secrets expiring within this time (default: ${DEFAULT-VALUE}).")
  Duration warnWithin;

  @Mixin OutputOption output;

  /**
   * @param owner who keeps it: {@code CLI}, {@code EcrPullSecret team-a/pull}, {@code
   *     ClusterEcrPullSecret all}, {@code rh-mobb Secret team-a/ecr}; {@code (adopted)} where it
   *     existed before and is given back as it was
   * @param linkedServiceAccounts the accounts of its namespace that name it
   */
  record Row(
      String namespace,
      String secret,
      List<String> registries,
      String expiresAt,
      String left,
      String state,
      String owner,
      List<String> linkedServiceAccounts) {}

  @Override
  public Integer call() throws Exception {
    List<NamespacePattern> patterns =
        UserInput.read(command, () -> namespaces.stream().map(NamespacePattern::new).toList());
    Instant now = main.runtime().clock().instant();
    List<Secret> secrets;
    java.util.Map<String, List<ServiceAccount>> accounts;
    var problems = new ArrayList<String>();
    try (KubernetesClient client = main.runtime().kubernetes().get()) {
      for (NamespacePattern p : patterns) {
        if (p.isLiteral() && missing(client, p.text())) {
          problems.add("namespace " + p.text() + " does not exist");
        }
      }
      secrets =
          patterns.stream().allMatch(NamespacePattern::isLiteral) && !patterns.isEmpty()
              ? patterns.stream()
                  .flatMap(p -> managed(client.secrets().inNamespace(p.text())).stream())
                  .toList()
              : managed(client.secrets().inAnyNamespace()).stream()
                  .filter(
                      s ->
                          patterns.isEmpty()
                              || NamespacePattern.anyMatches(
                                  patterns, s.getMetadata().getNamespace()))
                  .toList();
      accounts = serviceAccounts(client, secrets);
    }
    var rows = new ArrayList<Row>();
    for (Secret s : secrets) {
      rows.add(row(s, now, accounts.getOrDefault(s.getMetadata().getNamespace(), List.of())));
    }
    rows.sort(Comparator.comparing(Row::namespace).thenComparing(Row::secret));
    for (NamespacePattern p : patterns) {
      if (p.isLiteral()
          && rows.stream().noneMatch(r -> r.namespace().equals(p.text()))
          && problems.stream().noneMatch(m -> m.contains(" " + p.text() + " "))) {
        problems.add(
            "namespace " + p.text() + " holds no pull secret managed by ecr-secret-operator");
      }
    }
    // a check pointed at a namespace that is not there (a typo) must not stay green
    boolean attention = rows.stream().anyMatch(r -> !r.state().equals("OK")) || !problems.isEmpty();
    if (output.json()) {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      var root = json.createObjectNode();
      root.put("checkedAt", now.toString());
      root.put("needsAttention", attention);
      ArrayNode found = root.putArray("problems");
      problems.forEach(found::add);
      ArrayNode items = root.putArray("secrets");
      rows.forEach(items::addPOJO);
      main.out().println(json.writeValueAsString(root));
    } else if (rows.isEmpty()) {
      main.out().println("No pull secrets managed by ecr-secret-operator found.");
    } else {
      var table = new ArrayList<List<String>>();
      table.add(
          List.of(
              "NAMESPACE", "SECRET", "EXPIRES", "LEFT", "STATE", "OWNER", "LINKED", "REGISTRIES"));
      rows.forEach(
          r ->
              table.add(
                  List.of(
                      r.namespace(),
                      r.secret(),
                      r.expiresAt(),
                      r.left(),
                      r.state(),
                      r.owner(),
                      r.linkedServiceAccounts().isEmpty()
                          ? "-"
                          : String.join(",", r.linkedServiceAccounts()),
                      String.join(",", r.registries()))));
      main.out().print(Table.render(table));
    }
    main.out().flush();
    problems.forEach(m -> main.err().println("error: " + m));
    main.err().flush();
    return attention ? 1 : 0;
  }

  /**
   * Whether a namespace is known not to exist (not knowing, for want of rights, is not missing).
   */
  private static boolean missing(KubernetesClient client, String namespace) {
    try {
      return client.namespaces().withName(namespace).get() == null;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 403) {
        return false;
      }
      throw e;
    }
  }

  private static List<Secret> managed(
      io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<
              Secret,
              io.fabric8.kubernetes.api.model.SecretList,
              io.fabric8.kubernetes.client.dsl.Resource<Secret>>
          secrets) {
    return secrets
        .withLabel(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY)
        .list()
        .getItems();
  }

  /**
   * The service accounts of the namespaces these secrets are in: one list per namespace (a few), or
   * one of all namespaces (many).
   */
  private static java.util.Map<String, List<ServiceAccount>> serviceAccounts(
      KubernetesClient client, List<Secret> secrets) {
    var namespaces =
        secrets.stream().map(s -> s.getMetadata().getNamespace()).distinct().sorted().toList();
    var byNamespace = new java.util.HashMap<String, List<ServiceAccount>>();
    try {
      if (namespaces.size() > PER_NAMESPACE_LISTS) {
        client.serviceAccounts().inAnyNamespace().list().getItems().stream()
            .filter(a -> namespaces.contains(a.getMetadata().getNamespace()))
            .forEach(
                a ->
                    byNamespace
                        .computeIfAbsent(a.getMetadata().getNamespace(), k -> new ArrayList<>())
                        .add(a));
      } else {
        for (String ns : namespaces) {
          byNamespace.put(ns, client.serviceAccounts().inNamespace(ns).list().getItems());
        }
      }
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // no right to list accounts: the secrets are still listed, without their links
    }
    return byNamespace;
  }

  /** Up to this many namespaces, their accounts are listed one namespace at a time. */
  private static final int PER_NAMESPACE_LISTS = 10;

  /** Who keeps the secret, as a user knows it. */
  static String owner(Secret s) {
    String owner = ManagedMarkers.annotation(s, ManagedMarkers.OWNER);
    String adopted =
        "true".equals(ManagedMarkers.annotation(s, ManagedMarkers.ADOPTED)) ? " (adopted)" : "";
    if (owner == null) {
      return "unknown" + adopted;
    }
    if (owner.equals(PullSecretWriter.CLI_OWNER)) {
      return "CLI" + adopted;
    }
    int slash = owner.indexOf('/');
    if (slash < 0) {
      return owner + adopted;
    }
    String kind = owner.substring(0, slash);
    String name = owner.substring(slash + 1);
    boolean rhMobbs =
        kind.equals(HasMetadata.getKind(MobbSecret.class))
            || kind.equals(HasMetadata.getKind(ArgoHelmRepoSecret.class));
    return (rhMobbs ? "rh-mobb " : "") + kind + " " + name + adopted;
  }

  private Row row(Secret s, Instant now, List<ServiceAccount> accounts) {
    String annotated = ManagedMarkers.annotation(s, ManagedMarkers.REGISTRIES);
    List<String> registries =
        annotated == null
            ? List.of()
            : java.util.Arrays.stream(annotated.split(","))
                .map(String::trim)
                .filter(h -> !h.isEmpty())
                .toList();
    String expires = ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT);
    String state;
    String left = "";
    Instant expiresAt = null;
    try {
      expiresAt = expires == null ? null : Instant.parse(expires);
    } catch (DateTimeParseException e) {
      expiresAt = null;
    }
    if (expiresAt == null) {
      state = "UNKNOWN-EXPIRY";
    } else {
      Duration remaining = Duration.between(now, expiresAt);
      left = DurationText.format(remaining);
      state =
          remaining.isNegative() || remaining.isZero()
              ? "EXPIRED"
              : remaining.compareTo(warnWithin) <= 0 ? "EXPIRING" : "OK";
    }
    return new Row(
        s.getMetadata().getNamespace(),
        s.getMetadata().getName(),
        registries,
        expiresAt == null ? "" : expiresAt.toString(),
        left,
        state,
        owner(s),
        accounts.stream()
            .filter(a -> ServiceAccountLinker.mentions(a, s.getMetadata().getName()))
            .map(a -> a.getMetadata().getName())
            .sorted()
            .toList());
  }
}
