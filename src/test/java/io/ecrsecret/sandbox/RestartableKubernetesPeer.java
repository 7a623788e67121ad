package io.ecrsecret.sandbox;

import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubeapitest.kubeconfig.KubeConfig;
import io.fabric8.kubeapitest.process.EtcdProcess;
import io.fabric8.kubeapitest.process.ProcessReadinessChecker;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second, private Kubernetes cluster whose kube-apiserver can be killed and started again on the
 * same port and the same etcd, as when a control plane node restarts: what the cluster held is
 * still there afterwards, and clients reconnect to the same address.
 *
 * <p>kube-api-test cannot do this itself: stopping its API server also stops etcd and deletes its
 * data. So this peer uses kube-api-test's parts (binaries, certificates, etcd, readiness checks,
 * kubeconfig) and runs the kube-apiserver process itself, with the flags kube-api-test uses.
 */
public final class RestartableKubernetesPeer implements AutoCloseable {

  private final KubeAPIServerConfig config = KubernetesPeer.config();
  private final BinaryManager binaries = new BinaryManager(config);
  private final CertManager certificates = new CertManager(config.getKubeAPITestDir());
  private final EtcdProcess etcd =
      new EtcdProcess(
          binaries,
          process -> System.err.println("etcd of the restartable cluster stopped unexpectedly"),
          true,
          config.getStartupTimeout());
  private final Path stateDir;
  private final int port;
  private final Path kubeconfig;
  private int etcdPort;
  private Process apiServer;
  private int starts;

  private final boolean serviceAccountAdmission;

  private RestartableKubernetesPeer(Path stateDir, int port, boolean serviceAccountAdmission) {
    this.stateDir = stateDir;
    this.port = port;
    this.serviceAccountAdmission = serviceAccountAdmission;
    this.kubeconfig = stateDir.resolve("kubeconfig");
  }

  /** Starts etcd and the API server, and waits until the API server is ready. */
  public static RestartableKubernetesPeer start(Path stateDir) {
    return start(stateDir, false);
  }

  /**
   * As {@link #start(Path)}; with {@code serviceAccountAdmission} the API server runs the
   * ServiceAccount admission plugin, as a cluster with a node and a controller manager needs (pods
   * get their service account's token mounted).
   */
  public static RestartableKubernetesPeer start(Path stateDir, boolean serviceAccountAdmission) {
    try {
      Files.createDirectories(stateDir);
      var peer = new RestartableKubernetesPeer(stateDir, freePort(), serviceAccountAdmission);
      peer.binaries.initAndDownloadIfRequired();
      peer.certificates.createCertificatesIfNeeded();
      peer.etcdPort = peer.etcd.startEtcd();
      Files.writeString(
          peer.kubeconfig,
          new KubeConfig(peer.certificates, peer.binaries).generateKubeConfigYaml(peer.port));
      peer.startApiServer();
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the API server on its port and the kept etcd; returns once it is ready. */
  public synchronized void startApiServer() {
    if (apiServer != null && apiServer.isAlive()) {
      throw new IllegalStateException("the API server is running");
    }
    var command = new ArrayList<String>();
    command.add(binaries.binaries().getApiServer().getAbsolutePath());
    command.addAll(config.getApiServerFlags());
    command.addAll(
        List.of(
            "--cert-dir",
            config.getKubeAPITestDir(),
            "--secure-port",
            String.valueOf(port),
            "--etcd-servers",
            "http://127.0.0.1:" + etcdPort,
            "--authorization-mode",
            "RBAC",
            "--service-account-issuer",
            "https://localhost",
            "--service-account-signing-key-file",
            certificates.getAPIServerKeyPath(),
            "--service-account-key-file",
            certificates.getAPIServerKeyPath(),
            serviceAccountAdmission ? "--enable-admission-plugins" : "--disable-admission-plugins",
            "ServiceAccount",
            "--client-ca-file",
            certificates.getClientCertPath(),
            "--service-cluster-ip-range",
            "10.0.0.0/24",
            "--allow-privileged"));
    starts++;
    try {
      apiServer =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(stateDir.resolve("kube-apiserver-" + starts + ".log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var readiness = new ProcessReadinessChecker();
    readiness.waitUntilReady(port, "readyz", "kube-apiserver", true, config.getStartupTimeout());
    readiness.waitUntilDefaultNamespaceAvailable(
        port, binaries, certificates, config, config.getStartupTimeout());
  }

  /** SIGKILL: the API server goes away at once, with every open connection and watch. */
  public synchronized void killApiServer() {
    if (apiServer == null) {
      return;
    }
    try {
      apiServer.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The API server's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The API server's certificate (self-signed: also the CA that clients trust) and key. */
  public Path apiServerCertificate() {
    return Path.of(certificates.getAPIServerCertPath());
  }

  public Path apiServerKey() {
    return Path.of(certificates.getAPIServerKeyPath());
  }

  /** Where kube-apiserver lies, and the node's binaries beside it (scripts/k8s-binaries --node). */
  public Path binariesDirectory() {
    return binaries.binaries().getApiServer().toPath().getParent();
  }

  /** The kubeconfig file of a cluster administrator; it stays valid across restarts. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public String kubeconfigYaml() {
    try {
      return Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml()))
        .build();
  }

  /** A client that acts as the given user, e.g. {@code system:serviceaccount:ns:name}. */
  public KubernetesClient clientImpersonating(String user, String... groups) {
    Config config = Config.fromKubeconfig(kubeconfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    killApiServer();
    etcd.stopEtcd();
    etcd.cleanEtcdData();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
