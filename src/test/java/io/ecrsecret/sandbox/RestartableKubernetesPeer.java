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
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.GeneralName;

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
  private final CertManager certificates;
  private final String certificatesDirectory;
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

  /** For a cluster with a pod network: the address pods reach the API server at, else null. */
  private final String podGateway;

  private RestartableKubernetesPeer(
      Path stateDir, int port, boolean serviceAccountAdmission, String podGateway) {
    this.stateDir = stateDir;
    this.port = port;
    this.serviceAccountAdmission = serviceAccountAdmission;
    this.podGateway = podGateway;
    this.kubeconfig = stateDir.resolve("kubeconfig");
    // a cluster with a pod network has certificates of its own: its API server's names include
    // the addresses pods use; the others share kube-api-test's
    this.certificatesDirectory =
        podGateway == null ? config.getKubeAPITestDir() : stateDir.resolve("pki").toString();
    this.certificates = new CertManager(certificatesDirectory);
  }

  /** The ClusterIP of the {@code kubernetes} Service: the first address of the Service range. */
  public static final String KUBERNETES_SERVICE_IP = "10.0.0.1";

  /** Services' ClusterIPs come from this range. */
  public static final String SERVICE_RANGE = "10.0.0.0/24";

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
    return start(stateDir, serviceAccountAdmission, null);
  }

  /**
   * The API server of a cluster with a node whose pods reach it through the {@code kubernetes}
   * Service: it advertises {@code podGateway} (where the node's pod gateway relays to its loopback
   * port), its certificate names that address and the Service's ClusterIP, and it authenticates to
   * the kubelet (logs, exec) with the administrator's client certificate.
   */
  public static RestartableKubernetesPeer startForNode(Path stateDir, String podGateway) {
    return start(stateDir, true, podGateway);
  }

  private static RestartableKubernetesPeer start(
      Path stateDir, boolean serviceAccountAdmission, String podGateway) {
    try {
      Files.createDirectories(stateDir);
      var peer =
          new RestartableKubernetesPeer(stateDir, freePort(), serviceAccountAdmission, podGateway);
      peer.binaries.initAndDownloadIfRequired();
      Files.createDirectories(Path.of(peer.certificatesDirectory));
      peer.certificates.createCertificatesIfNeeded();
      if (podGateway != null) {
        CertManager.generateKeyAndCertificate(
            "CN=example.org",
            new File(peer.certificates.getAPIServerKeyPath()),
            new File(peer.certificates.getAPIServerCertPath()),
            Stream.concat(
                    Stream.of("127.0.0.1", KUBERNETES_SERVICE_IP, podGateway)
                        .map(ip -> new GeneralName(GeneralName.iPAddress, ip)),
                    Stream.of(
                            "kubernetes",
                            "kubernetes.default",
                            "kubernetes.default.svc",
                            "kubernetes.default.svc.cluster.local")
                        .map(dns -> new GeneralName(GeneralName.dNSName, dns)))
                .toArray(GeneralName[]::new));
      }
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
            certificatesDirectory,
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
            SERVICE_RANGE,
            "--allow-privileged"));
    if (podGateway != null) {
      command.addAll(
          List.of(
              "--advertise-address",
              podGateway,
              "--kubelet-client-certificate",
              certificates.getClientCertPath(),
              "--kubelet-client-key",
              certificates.getClientKeyPath()));
    }
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

  /** The administrator's client certificate: self-signed, also the CA that servers trust. */
  public Path clientCertificate() {
    return Path.of(certificates.getClientCertPath());
  }

  public Path clientKey() {
    return Path.of(certificates.getClientKeyPath());
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
