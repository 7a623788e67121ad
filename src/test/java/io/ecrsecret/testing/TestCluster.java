package io.ecrsecret.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What tests set up in the sandbox's API server, written once. */
public final class TestCluster {

  private TestCluster() {}

  /**
   * Applies the committed CRDs (deploy/crds, and deploy/crds/compat if asked) and waits until the
   * API server serves them.
   */
  public static void installCrds(KubernetesClient kube, boolean compat) throws IOException {
    var dirs = new ArrayList<>(List.of(Path.of("deploy/crds")));
    if (compat) {
      dirs.add(Path.of("deploy/crds/compat"));
    }
    var names = new ArrayList<String>();
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : kube.load(in).items()) {
              kube.resource(item).serverSideApply();
              names.add(item.getMetadata().getName());
            }
          }
        }
      }
    }
    for (String crd : names) {
      awaitEstablished(kube, crd);
    }
  }

  /** Waits until the API server serves the CRD of this name. */
  public static void awaitEstablished(KubernetesClient kube, String crd) {
    kube.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> x.getType().equals("Established") && x.getStatus().equals("True")),
            30,
            TimeUnit.SECONDS);
  }

  /**
   * Deletes the EcrPullSecrets of a namespace and waits until they are gone: called while their
   * operator still runs, so that it can finalize them and nothing is left for the tests after.
   */
  public static void deleteResourcesWhileServed(
      KubernetesClient kube, String namespace, Duration within) {
    kube.resources(io.ecrsecret.operator.api.EcrPullSecret.class).inNamespace(namespace).delete();
    org.awaitility.Awaitility.await()
        .atMost(within)
        .until(
            () ->
                kube.resources(io.ecrsecret.operator.api.EcrPullSecret.class)
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .isEmpty());
  }

  /**
   * A Secret of AWS keys, as {@code aws.credentialsSecret} and {@code --aws-credentials-secret}
   * read.
   */
  public static io.fabric8.kubernetes.api.model.Secret awsKeys(
      String namespace, String name, String accessKeyId, String secretAccessKey) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withStringData(
            Map.of("AWS_ACCESS_KEY_ID", accessKeyId, "AWS_SECRET_ACCESS_KEY", secretAccessKey))
        .build();
  }

  /**
   * A namespace, returned once the controller manager has made its {@code default} service account,
   * as a real cluster does within a second.
   */
  public static void namespace(KubernetesClient kube, String name, Map<String, String> labels) {
    namespace(kube, name, labels, Duration.ofSeconds(30));
  }

  /**
   * A namespace, once its {@code default} account exists: within {@code accountWithin} (longer
   * right after an API server restart, while the controller manager's watches reconnect).
   */
  public static void namespace(
      KubernetesClient kube, String name, Map<String, String> labels, Duration accountWithin) {
    kube.resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    awaitDefaultServiceAccount(kube, name, accountWithin);
  }

  /** Waits until the controller manager has made the namespace's {@code default} account. */
  public static ServiceAccount awaitDefaultServiceAccount(KubernetesClient kube, String namespace) {
    return awaitDefaultServiceAccount(kube, namespace, Duration.ofSeconds(30));
  }

  private static ServiceAccount awaitDefaultServiceAccount(
      KubernetesClient kube, String namespace, Duration within) {
    return await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> kube.serviceAccounts().inNamespace(namespace).withName("default").get(),
            sa -> sa != null);
  }

  /** A token of the service account for the audience (the TokenRequest API), for 10 minutes. */
  public static String serviceAccountToken(
      KubernetesClient kube, String namespace, String serviceAccount, String audience) {
    return kube.serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(
            new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(audience)
                .withExpirationSeconds(600L)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  /** The issuer ({@code iss}) the API server writes into the tokens it signs. */
  public static String issuerOf(String token) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))
          .path("iss")
          .asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
