package io.ecrsecret.install;

import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The image we ship, run on the sandbox's node from deploy/operator/cluster-wide.yaml as shipped
 * (its security context and memory limit enforced by runc and the cgroup), changing only the
 * image's source and what points it at the sandbox: one replica, the AWS peer (at the node's pod
 * gateway), and the operator's AWS identity. It reaches the API server as in any cluster, through
 * the {@code kubernetes} Service and its in-cluster configuration. {@link #close()} removes every
 * resource it served, while it can still finalize them, then the operator.
 *
 * <p>The image is built offline by scripts/test (scripts/image: the amd64 image a release pushes,
 * built the same way).
 */
public final class OperatorPod implements AutoCloseable {

  public static final Path IMAGE = Path.of("target/jib-image.tar");
  public static final String NAMESPACE = "ecr-secret-operator";
  public static final String SERVICE_ACCOUNT = "ecr-secret-operator";

  /** Where the EKS pod identity webhook mounts the projected token. */
  static final String TOKEN_DIRECTORY = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

  /** What gives the operator its AWS identity: environment, volumes, and a Secret of keys. */
  public record Identity(
      List<EnvVar> env, List<Volume> volumes, List<VolumeMount> mounts, Map<String, String> keys) {

    /** Static keys from a Secret, as docs/static-keys.md installs them. */
    public static Identity staticKeys(AwsBasicCredentials credentials) {
      var env = new ArrayList<EnvVar>();
      for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
        env.add(
            new EnvVarBuilder()
                .withName(key)
                .withNewValueFrom()
                .withNewSecretKeyRef(key, "aws-keys", false)
                .endValueFrom()
                .build());
      }
      return new Identity(
          env,
          List.of(),
          List.of(),
          Map.of(
              "AWS_ACCESS_KEY_ID",
              credentials.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY",
              credentials.secretAccessKey()));
    }

    /**
     * What the EKS pod identity webhook gives a pod whose service account names a role (IRSA, and
     * ROSA with STS): a projected service-account token for the audience, and its path and the role
     * in the environment.
     */
    public static Identity webIdentity(String roleArn, String audience) {
      var env =
          List.of(
              OperatorPod.env("AWS_ROLE_ARN", roleArn),
              OperatorPod.env("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_DIRECTORY + "/token"),
              OperatorPod.env("AWS_STS_REGIONAL_ENDPOINTS", "regional"));
      var volume =
          new VolumeBuilder()
              .withName("aws-iam-token")
              .withNewProjected()
              .addNewSource()
              .withNewServiceAccountToken()
              .withAudience(audience)
              .withExpirationSeconds(86400L)
              .withPath("token")
              .endServiceAccountToken()
              .endSource()
              .endProjected()
              .build();
      var mount =
          new VolumeMountBuilder()
              .withName("aws-iam-token")
              .withMountPath(TOKEN_DIRECTORY)
              .withReadOnly(true)
              .build();
      return new Identity(env, List.of(volume), List.of(mount), Map.of());
    }
  }

  private final KubernetesClient kube;

  private OperatorPod(KubernetesClient kube) {
    this.kube = kube;
  }

  /**
   * Loads the image into the node, applies the manifest with the identity, and waits until the
   * operator's pod is Ready (its readiness probe answers).
   */
  public static OperatorPod start(Sandbox sandbox, KubernetesClient kube, Identity identity)
      throws IOException {
    if (!Files.exists(IMAGE)) {
      throw new IllegalStateException(
          "no " + IMAGE + ": scripts/test builds the operator image (scripts/image)");
    }
    var cluster = sandbox.node();
    cluster.importImage(IMAGE);
    List<HasMetadata> items = Manifests.file(kube, "deploy/operator/cluster-wide.yaml");
    Deployment deployment = Manifests.deployment(items);
    var pod = deployment.getSpec().getTemplate().getSpec();
    deployment.getSpec().setReplicas(1); // the tests measure and signal one process
    var container = pod.getContainers().get(0);
    var env = new ArrayList<EnvVar>(container.getEnv());
    env.add(env("AWS_ENDPOINT_URL", cluster.fromPods(sandbox.aws().endpoint()).toString()));
    env.add(env("AWS_EC2_METADATA_DISABLED", "true"));
    env.addAll(identity.env());
    container.setEnv(env);
    var volumes = new ArrayList<Volume>(pod.getVolumes() == null ? List.of() : pod.getVolumes());
    volumes.addAll(identity.volumes());
    pod.setVolumes(volumes);
    var mounts =
        new ArrayList<VolumeMount>(
            container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts());
    mounts.addAll(identity.mounts());
    container.setVolumeMounts(mounts);

    var operator = new OperatorPod(kube);
    Manifests.applyAndRun(kube, items.stream().filter(i -> i != deployment).toList());
    if (!identity.keys().isEmpty()) {
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("aws-keys")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withStringData(identity.keys())
                  .build())
          .forceConflicts()
          .serverSideApply();
    }
    Manifests.applyAndRun(kube, List.of(deployment));
    try {
      await("the operator's pod Ready (its readiness probe answers)")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                var d = kube.apps().deployments().inNamespace(NAMESPACE).withName(NAMESPACE).get();
                var status = d.getStatus();
                return status != null
                    && d.getMetadata().getGeneration().equals(status.getObservedGeneration())
                    && Integer.valueOf(1).equals(status.getReadyReplicas())
                    && Integer.valueOf(1).equals(status.getUpdatedReplicas())
                    && Integer.valueOf(1).equals(status.getReplicas());
              });
    } catch (ConditionTimeoutException e) {
      operator.close();
      throw new AssertionError(
          "the operator's pod is not Ready: "
              + kube.pods().inNamespace(NAMESPACE).list().getItems(),
          e);
    }
    return operator;
  }

  /** The operator's JVM in its container. */
  public ProcessHandle process() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains("io.ecrsecret.cli.Main") && c.contains("/app/"))
                    .orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no operator process on the node"));
  }

  /** What the operator's container printed. */
  public String log() {
    return kube.pods().inNamespace(NAMESPACE).list().getItems().stream()
        .map(p -> kube.pods().inNamespace(NAMESPACE).withName(p.getMetadata().getName()).getLog())
        .reduce("", String::concat);
  }

  /** The files the JVM has mapped into its memory (/proc/PID/maps). */
  public String mappedFiles() {
    try {
      return Files.readString(Path.of("/proc", "" + process().pid(), "maps"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM's resident memory (VmRSS), in bytes. */
  public long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", "" + process().pid(), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The memory limit its cgroup enforces, in bytes. */
  public long memoryLimitBytes() {
    try {
      String cgroup =
          Files.readAllLines(Path.of("/proc", "" + process().pid(), "cgroup")).stream()
              .filter(l -> l.contains(":memory:"))
              .map(l -> l.substring(l.lastIndexOf(':') + 1))
              .findFirst()
              .orElseThrow();
      return Long.parseLong(
          Files.readString(Path.of("/sys/fs/cgroup/memory", cgroup, "memory.limit_in_bytes"))
              .trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    // the cluster is every test's: the resources go while the operator can still finalize them
    kube.resources(EcrPullSecret.class).inAnyNamespace().delete();
    kube.resources(ClusterEcrPullSecret.class).delete();
    await("the operator's resources finalized")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                kube.resources(EcrPullSecret.class).inAnyNamespace().list().getItems().isEmpty()
                    && kube.resources(ClusterEcrPullSecret.class).list().getItems().isEmpty());
    kube.apps().deployments().inNamespace(NAMESPACE).withName(NAMESPACE).scale(0);
    await("the operator's pod gone")
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
