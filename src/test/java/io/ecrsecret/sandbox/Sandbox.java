package io.ecrsecret.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The real peers on loopback, used by the tests (through {@link SandboxExtension}) and by people
 * (through {@code scripts/sandbox}): a one-node Kubernetes cluster (or, without a node, an API
 * server with etcd), the AWS emulator behind the fault proxy, and a registry that demands the
 * emulator's ECR credentials and holds a small image named as ECR names it.
 */
public final class Sandbox implements AutoCloseable {

  private final KubernetesCluster kubernetes;
  private final AwsPeer aws;
  private final RegistryPeer registry;
  private final String image;
  private Path chartValues;

  private Sandbox(KubernetesCluster kubernetes, AwsPeer aws, RegistryPeer registry, String image) {
    this.kubernetes = kubernetes;
    this.aws = aws;
    this.registry = registry;
    this.image = image;
  }

  /**
   * Starts every peer. With {@code node}, Kubernetes is a {@link NodeCluster} (pods run; needs
   * root); without, a bare API server that starts while the others do.
   */
  public static Sandbox start(Path projectRoot, Path stateDir, boolean node) {
    try {
      Files.createDirectories(stateDir);
      reapLeftovers(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<KubernetesCluster> apiServer =
        node ? null : CompletableFuture.supplyAsync(() -> KubernetesPeer.start(stateDir));
    AwsPeer aws = null;
    RegistryPeer registry = null;
    try {
      aws = AwsPeer.start(projectRoot, stateDir);
      registry = RegistryPeer.start(stateDir, AwsPeer.ACCOUNT, AwsPeer.REGION);
      // pulls go through the AWS peer's front, which accepts each token only until its expiry
      aws.serveRegistry(registry.directAddress(), "AWS", AwsPeer.ecrPassword(AwsPeer.ACCOUNT));
      registry.frontedBy(aws.registryFront(), aws.publicRegistryFront());
      Sandbox sandbox;
      if (!node) {
        sandbox = new Sandbox(apiServer.join(), aws, registry, null);
      } else {
        String image = registry.pushBusybox();
        sandbox =
            new Sandbox(
                NodeCluster.start(projectRoot, stateDir.resolve("node"), registry, aws.endpoint()),
                aws,
                registry,
                image);
      }
      if (node) {
        sandbox.chartValues = sandbox.writeChartValues(stateDir.resolve("chart-values.yaml"));
      }
      sandbox.recordProcesses(stateDir);
      return sandbox;
    } catch (IOException e) {
      closeQuietly(registry);
      closeQuietly(aws);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeQuietly(registry);
      closeQuietly(aws);
      if (apiServer != null) {
        apiServer.thenAccept(KubernetesCluster::close);
      }
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause
          ? cause
          : e;
    }
  }

  /** The Secret of the AWS emulator's keys that {@code SANDBOX_CHART_VALUES} names. */
  public static final String CHART_AWS_KEYS = "sandbox-aws-keys";

  /** The pull secret for the registry a rehearsal release is published to, named there too. */
  public static final String CHART_RELEASE_PULL = "sandbox-release-pull";

  /**
   * {@code SANDBOX_CHART_VALUES}: what a user of the node's cluster sets to install the chart
   * there, and nothing else: the AWS region, identity and endpoint (at the pod gateway), and the
   * pull secret of the registry the release was published to.
   */
  private Path writeChartValues(Path file) throws IOException {
    Files.writeString(
        file,
        """
        # What a user of the sandbox's cluster sets to install the operator's chart there
        # (helm install ... -f $SANDBOX_CHART_VALUES): its AWS region, identity and endpoint, and
        # the pull secret of the registry a release was published to (scripts/release --rehearse).
        # Make the two Secrets first, in the release's namespace NS:
        #   kubectl -n NS create secret generic %1$s \\
        #     --from-literal=AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \\
        #     --from-literal=AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
        #   kubectl -n NS create secret docker-registry %2$s --docker-server="$SANDBOX_PUSH_REGISTRY" \\
        #     --docker-username="$SANDBOX_PUSH_USERNAME" --docker-password="$SANDBOX_PUSH_PASSWORD"
        aws:
          region: %3$s
          endpoint: %4$s
          credentialsSecret: %1$s
        imagePullSecrets:
          - name: %2$s
        """
            .formatted(
                CHART_AWS_KEYS,
                CHART_RELEASE_PULL,
                AwsPeer.REGION,
                node().fromPods(aws.endpoint())));
    return file;
  }

  /** A node unless {@code ECR_SANDBOX_NODE=0} says otherwise. */
  public static boolean nodeWanted() {
    return !"0".equals(System.getenv("ECR_SANDBOX_NODE"));
  }

  public KubernetesCluster kubernetes() {
    return kubernetes;
  }

  /** The node cluster, for what only a cluster with a node can do (import an image...). */
  public NodeCluster node() {
    if (kubernetes instanceof NodeCluster node) {
      return node;
    }
    throw new IllegalStateException("this sandbox runs without a node (ECR_SANDBOX_NODE=0)");
  }

  /**
   * {@code ACCOUNT.dkr.ecr.REGION.amazonaws.com/sandbox/busybox:1}, in the registry; its default
   * command keeps running. Only with a node.
   */
  public String image() {
    node();
    return image;
  }

  public AwsPeer aws() {
    return aws;
  }

  public RegistryPeer registry() {
    return registry;
  }

  /**
   * The environment a process needs to use the sandbox, as {@code scripts/sandbox up} exports it.
   */
  public Map<String, String> environment() {
    var env = new LinkedHashMap<String, String>();
    env.put("KUBECONFIG", kubernetes.kubeconfig().toString());
    env.put("AWS_ENDPOINT_URL", aws.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", aws.adminCredentials().accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", aws.adminCredentials().secretAccessKey());
    env.put("AWS_REGION", AwsPeer.REGION);
    // AWS CLI v1 and older SDKs read only this one
    env.put("AWS_DEFAULT_REGION", AwsPeer.REGION);
    // the SDK's credential chain must never try the instance-metadata address off this machine
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("SANDBOX_REGISTRY", registry.address());
    env.put("SANDBOX_ECR_REGISTRY", registry.ecrHost());
    // the registry as public.ecr.aws: only ECR Public's tokens
    env.put("SANDBOX_PUBLIC_REGISTRY", registry.publicAddress());
    // where scripts/release --rehearse publishes
    env.put("SANDBOX_PUSH_REGISTRY", registry.pushAddress());
    env.put("SANDBOX_PUSH_USERNAME", registry.pushUsername());
    env.put("SANDBOX_PUSH_PASSWORD", registry.pushPassword());
    if (image != null) {
      env.put("SANDBOX_IMAGE", image);
    }
    if (chartValues != null) {
      env.put("SANDBOX_CHART_VALUES", chartValues.toString());
    }
    return env;
  }

  /**
   * Every process of this sandbox (the peers', and the cluster's, which are children of this JVM),
   * with its command line, in {@code STATE/processes}: if this JVM is killed, the next start stops
   * the ones still running.
   */
  private void recordProcesses(Path stateDir) throws IOException {
    var lines = new ArrayList<String>();
    var all = new ArrayList<>(pids());
    ProcessHandle.current().descendants().map(ProcessHandle::pid).forEach(all::add);
    for (long pid : all) {
      ProcessHandle.of(pid)
          .flatMap(p -> p.info().commandLine())
          .ifPresent(c -> lines.add(pid + " " + c.replace('\n', ' ')));
    }
    Files.write(stateDir.resolve("processes"), lines);
  }

  /** Stops what a killed run recorded and left running (the same pid with the same command). */
  private static void reapLeftovers(Path stateDir) throws IOException {
    Path recorded = stateDir.resolve("processes");
    if (!Files.exists(recorded)) {
      return;
    }
    for (String line : Files.readAllLines(recorded)) {
      int space = line.indexOf(' ');
      if (space < 0) {
        continue;
      }
      long pid = Long.parseLong(line.substring(0, space));
      String command = line.substring(space + 1);
      ProcessHandle.of(pid)
          .filter(p -> p.info().commandLine().map(command::equals).orElse(false))
          .ifPresent(
              p -> {
                System.err.println("sandbox: stopping what a killed run left: " + command);
                p.destroyForcibly();
              });
    }
    Files.delete(recorded);
  }

  /** Processes of the AWS peer and the registry (the cluster's are children of this JVM). */
  List<Long> pids() {
    var pids = new ArrayList<>(aws.pids());
    pids.add(registry.pid());
    return pids;
  }

  @Override
  public void close() {
    closeQuietly(registry);
    closeQuietly(aws);
    closeQuietly(kubernetes);
  }

  private static void closeQuietly(AutoCloseable peer) {
    if (peer == null) {
      return;
    }
    try {
      peer.close();
    } catch (Exception e) {
      System.err.println("sandbox: stopping " + peer.getClass().getSimpleName() + ": " + e);
    }
  }
}
