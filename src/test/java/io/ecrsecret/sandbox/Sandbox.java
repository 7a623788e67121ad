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
 * The three real peers on loopback, used by the tests (through {@link SandboxExtension}) and by
 * people (through {@code scripts/sandbox}): a Kubernetes API server with etcd, the AWS emulator
 * behind the fault proxy, and a registry that demands the emulator's ECR credentials.
 */
public final class Sandbox implements AutoCloseable {

  private final KubernetesPeer kubernetes;
  private final AwsPeer aws;
  private final RegistryPeer registry;

  private Sandbox(KubernetesPeer kubernetes, AwsPeer aws, RegistryPeer registry) {
    this.kubernetes = kubernetes;
    this.aws = aws;
    this.registry = registry;
  }

  /** Starts every peer; the API server starts while the others do. */
  public static Sandbox start(Path projectRoot, Path stateDir) {
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var kubernetes = CompletableFuture.supplyAsync(() -> KubernetesPeer.start(stateDir));
    AwsPeer aws = null;
    RegistryPeer registry = null;
    try {
      aws = AwsPeer.start(projectRoot, stateDir);
      registry = RegistryPeer.start(stateDir, AwsPeer.ACCOUNT, AwsPeer.REGION);
      // pulls go through the AWS peer's front, which accepts each token only until its expiry
      aws.serveRegistry(registry.directAddress(), "AWS", AwsPeer.ecrPassword(AwsPeer.ACCOUNT));
      registry.frontedBy(aws.registryFront());
      return new Sandbox(kubernetes.join(), aws, registry);
    } catch (RuntimeException e) {
      closeQuietly(registry);
      closeQuietly(aws);
      kubernetes.thenAccept(KubernetesPeer::close);
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause
          ? cause
          : e;
    }
  }

  public KubernetesPeer kubernetes() {
    return kubernetes;
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
    return env;
  }

  /** Processes of the AWS peer and the registry (the API server's are children of this JVM). */
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
