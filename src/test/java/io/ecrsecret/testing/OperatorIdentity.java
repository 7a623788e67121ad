package io.ecrsecret.testing;

import io.ecrsecret.sandbox.KubernetesCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The identity an operator run in a test's JVM has, as a cluster-wide install gives it: a
 * ServiceAccount bound to the shipped ClusterRole (deploy/operator/cluster-wide.yaml) and fenced by
 * the shipped admission policy (deploy/operator/admission-policy.yaml, matched to this account
 * rather than the installed one, which InstallIT uses). Every in-JVM operator IT runs as it, so the
 * whole suite proves the operator does its work within those rights.
 */
public final class OperatorIdentity {

  public static final String NAMESPACE = "ecr-secret-operator-it";
  public static final String SERVICE_ACCOUNT = "operator";
  public static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
  static final String SHIPPED_USER =
      "system:serviceaccount:ecr-secret-operator:ecr-secret-operator";
  static final String POLICY = "ecr-secret-operator-writes";

  private OperatorIdentity() {}

  /** A client acting as the operator's ServiceAccount, its rights and fence installed first. */
  public static KubernetesClient client(KubernetesCluster cluster) {
    try (KubernetesClient admin = cluster.adminClient()) {
      install(admin);
    }
    return cluster.clientImpersonating(
        USER,
        "system:serviceaccounts",
        "system:serviceaccounts:" + NAMESPACE,
        "system:authenticated");
  }

  /** An operator started in this JVM as the fenced account: closed with its client. */
  public record Running(io.ecrsecret.operator.EcrSecretOperator operator, KubernetesClient client)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        operator.close();
      } finally {
        client.close();
      }
    }
  }

  /** The operator with this configuration, as the fenced account, on the real clock. */
  public static Running start(
      KubernetesCluster cluster, io.ecrsecret.operator.OperatorConfig config) {
    KubernetesClient client = client(cluster);
    try {
      return new Running(
          io.ecrsecret.operator.EcrSecretOperator.start(
              config,
              client,
              java.time.Clock.systemUTC(),
              new io.ecrsecret.aws.AwsClientSettings(
                  3, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(20))),
          client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The shipped ClusterRole bound to the test account, and the shipped policy fencing it. */
  public static void install(KubernetesClient admin) {
    if (admin.namespaces().withName(NAMESPACE).get() == null) {
      admin
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .serverSideApply();
    }
    admin
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(SERVICE_ACCOUNT)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    ClusterRole shipped =
        load(admin, read("deploy/operator/cluster-wide.yaml")).stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .filter(r -> r.getMetadata().getName().equals("ecr-secret-operator"))
            .findFirst()
            .orElseThrow();
    String role = "ecr-secret-operator-it";
    admin
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .withRules(shipped.getRules())
                // leader-elected tests keep their leases where they like (the shipped Role grants
                // this in the operator's namespace only)
                .addNewRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update", "patch")
                .endRule()
                .build())
        .forceConflicts()
        .serverSideApply();
    admin
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(SERVICE_ACCOUNT)
                .withNamespace(NAMESPACE)
                .endSubject()
                .build())
        .forceConflicts()
        .serverSideApply();
    String policy = read("deploy/operator/admission-policy.yaml");
    if (!policy.contains("'" + SHIPPED_USER + "'")) {
      throw new IllegalStateException(
          "the shipped admission policy no longer names " + SHIPPED_USER);
    }
    for (HasMetadata item :
        load(admin, policy.replace(SHIPPED_USER, USER).replace(POLICY, POLICY + "-it"))) {
      admin.resource(item).forceConflicts().serverSideApply();
    }
  }

  private static List<HasMetadata> load(KubernetesClient kube, String yaml) {
    return kube.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
