package io.ecrsecret.sandbox;

import io.ecrsecret.core.RegistryRef;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-node Kubernetes cluster on loopback: etcd and kube-apiserver (with ServiceAccount
 * admission), kube-controller-manager, kube-scheduler, containerd and a kubelet. Pods really run
 * (runc), pull their images from the sandbox's registry through pull secrets, and images named as
 * ECR names them ({@code ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo:tag}) are mapped to that
 * registry by containerd's hosts.toml before anything names one.
 *
 * <p>Needs root, Debian's containerd, runc and containernetworking-plugins, and the node binaries
 * ({@code scripts/k8s-binaries --node}; scripts/setup provides them all).
 *
 * <p>The pod network lives in a network namespace the cluster makes itself, the hub: a bridge
 * ({@value #POD_GATEWAY} of {@value #POD_RANGE}) that every pod joins (sandbox/cni/sandbox-bridge
 * runs the standard bridge plugin there), kube-proxy and its rules for Services, the kubelet (so
 * that its probes reach pods), and the pod gateway (sandbox/pod_gateway.py), which relays {@value
 * #POD_GATEWAY}:PORT to 127.0.0.1:PORT of the namespace the cluster was started in, for the API
 * server (the {@code kubernetes} Service's endpoint), the AWS emulator and the registry, and the
 * kubelet's port back from there (for {@code kubectl logs}). containerd stays in the starting
 * namespace, where the registry is. The hub has no physical interface and no route out, and pods
 * have routes only to the pod and Service ranges: a packet to anywhere else fails at once (network
 * unreachable). Nothing of it shows in the starting namespace. {@link #close()} stops everything
 * and leaves no process, mount, cgroup, network namespace or changed sysctl behind.
 */
public final class NodeCluster implements KubernetesCluster {

  /**
   * The node's name, an address on the starting namespace's loopback: the kubelet takes it as its
   * address (it refuses a loopback {@code --node-ip}) and the API server reaches it there for
   * {@code kubectl logs} and {@code exec}, without any lookup.
   */
  public static final String NODE = "127.0.0.1";

  /** The bridge's address in the hub: pods' gateway to the Service range and the peers. */
  public static final String POD_GATEWAY = "10.88.0.1";

  /** Pods' addresses. */
  public static final String POD_RANGE = "10.88.0.0/16";

  private static final String BRIDGE = "sandbox0";

  /** What the kubelet changes and {@link #close()} restores. */
  private static final List<String> SYSCTLS =
      List.of(
          "vm/overcommit_memory",
          "kernel/panic",
          "kernel/panic_on_oops",
          "kernel/keys/root_maxkeys",
          "kernel/keys/root_maxbytes");

  private final Path state;
  private final RestartableKubernetesPeer kube;
  private final List<LocalProcess> processes = new ArrayList<>();
  private final Map<String, String> savedSysctls = new LinkedHashMap<>();
  private final boolean createdPodLogs;
  private final Path containerdSocket;

  /** This cluster's own cgroup subtree (one per cluster, so that two never touch each other's). */
  private final String cgroupRoot;

  private final java.util.Set<String> podUids = new java.util.HashSet<>();

  private NodeCluster(Path state, RestartableKubernetesPeer kube, boolean createdPodLogs) {
    this.state = state;
    this.kube = kube;
    this.createdPodLogs = createdPodLogs;
    this.containerdSocket = state.resolve("containerd/containerd.sock");
    this.cgroupRoot = "/ecr-sandbox-" + kube.port();
    this.hub = "ecr-sandbox-" + kube.port();
    this.podNetworksAtStart = podNetworks();
  }

  /** Where containerd's CNI pins each pod's network namespace. */
  static final Path POD_NETWORKS = Path.of("/run/netns");

  /** The pod network namespaces there before this cluster started: not this cluster's. */
  private final java.util.Set<String> podNetworksAtStart;

  private static java.util.Set<String> podNetworks() {
    try (var entries = Files.list(POD_NETWORKS)) {
      return entries
          .map(e -> e.getFileName().toString())
          .filter(n -> n.startsWith("cni-"))
          .collect(java.util.stream.Collectors.toSet());
    } catch (IOException e) {
      return java.util.Set.of();
    }
  }

  /**
   * Removes the pod network namespaces (containerd's {@code cni-*} pins) that no process is in any
   * more and that {@code keep} does not name, and, when given, that are older than {@code
   * olderThan}: containerd pins one per pod and unpins it only when the kubelet tears the pod down,
   * which a stopped node never does.
   */
  static void removeDeadPodNetworks(
      java.util.Set<String> keep, java.util.Optional<java.time.Instant> olderThan) {
    var inUse = new java.util.HashSet<String>();
    try (var procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  inUse.add(Files.readSymbolicLink(p.resolve("ns/net")).toString());
                } catch (IOException | RuntimeException e) {
                  // gone meanwhile, or not ours to read
                }
              });
    } catch (IOException e) {
      return;
    }
    for (String name : podNetworks()) {
      Path pin = POD_NETWORKS.resolve(name);
      try {
        if (keep.contains(name)
            || olderThan.isPresent()
                && !Files.getLastModifiedTime(pin).toInstant().isBefore(olderThan.get())
            || inUse.contains("net:[" + Files.getAttribute(pin, "unix:ino") + "]")) {
          continue;
        }
        new ProcessBuilder("umount", "-l", pin.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor();
        Files.deleteIfExists(pin);
      } catch (IOException | RuntimeException e) {
        System.err.println("node cluster: cannot remove pod network " + pin + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Starts the cluster and waits until its node is Ready and the controller manager has made the
   * {@code default} service account of namespace {@code default}.
   *
   * @param registry the sandbox's registry: its ECR host name is mapped to its loopback address
   */
  public static NodeCluster start(
      Path projectRoot, Path state, RegistryPeer registry, java.net.URI awsEndpoint) {
    try {
      // what an earlier run left (its logs are kept until now, for a look after a failure), and
      // what a killed one left running
      reapLeftovers(state);
      // and the pod networks a killed run pinned (none is in use; ten minutes old at least, so
      // that no other cluster's pod just being made can be one of them)
      removeDeadPodNetworks(
          java.util.Set.of(),
          java.util.Optional.of(java.time.Instant.now().minus(Duration.ofMinutes(10))));
      deleteTree(state);
      Files.createDirectories(state);
      boolean podLogsExisted = Files.exists(Path.of("/var/log/pods"));
      var kube = RestartableKubernetesPeer.startForNode(state.resolve("kube"), POD_GATEWAY);
      var cluster = new NodeCluster(state, kube, !podLogsExisted);
      Files.writeString(state.resolve("cgroup-root"), cluster.cgroupRoot);
      try {
        cluster.saveSysctls();
        cluster.startControlPlane();
        cluster.startPodNetwork(
            projectRoot,
            List.of(
                kube.port(),
                awsEndpoint.getPort(),
                java.net.URI.create("http://" + registry.address()).getPort()));
        cluster.startContainerd(projectRoot, registry);
        cluster.startKubelet();
        cluster.awaitNodeReady(Duration.ofSeconds(90));
        return cluster;
      } catch (RuntimeException | IOException e) {
        cluster.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path kubeconfig() {
    return kube.kubeconfig();
  }

  @Override
  public String kubeconfigYaml() {
    return kube.kubeconfigYaml();
  }

  @Override
  public KubernetesClient adminClient() {
    return kube.adminClient();
  }

  @Override
  public KubernetesClient clientImpersonating(String user, String... groups) {
    return kube.clientImpersonating(user, groups);
  }

  @Override
  public Path serviceAccountSigningKey() {
    return kube.apiServerKey();
  }

  /** The API server's port on 127.0.0.1. */
  public int apiServerPort() {
    return kube.port();
  }

  /**
   * Where a pod reaches a peer that listens on {@code uri} (on 127.0.0.1 of the starting
   * namespace): the same port on the pod gateway.
   */
  public java.net.URI fromPods(java.net.URI uri) {
    if (!"127.0.0.1".equals(uri.getHost()) || !podGatewayPorts.contains(uri.getPort())) {
      throw new IllegalArgumentException("pods do not reach " + uri);
    }
    return java.net.URI.create(uri.toString().replace("//127.0.0.1:", "//" + POD_GATEWAY + ":"));
  }

  /** kubectl of the cluster's version. */
  public Path kubectl() {
    return binary("kubectl");
  }

  /** The hub's name ({@code ip netns}); its path is {@code /run/netns/NAME}. */
  public String hubNetwork() {
    return hub;
  }

  private final String hub;
  private final List<Integer> podGatewayPorts = new ArrayList<>();

  /**
   * The hub network namespace with its bridge, the pod gateway relaying {@code ports}, and
   * kube-proxy.
   */
  private void startPodNetwork(Path projectRoot, List<Integer> ports) throws IOException {
    Files.writeString(state.resolve("hub-netns"), hub);
    ip("netns", "add", hub);
    ip("-n", hub, "link", "set", "lo", "up");
    ip("-n", hub, "link", "add", BRIDGE, "type", "bridge");
    ip("-n", hub, "addr", "add", POD_GATEWAY + "/16", "dev", BRIDGE);
    ip("-n", hub, "link", "set", BRIDGE, "up");
    // a pod's packet to a Service whose endpoint is another pod is routed back out of the bridge
    ip("netns", "exec", hub, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
    podGatewayPorts.addAll(ports);
    kubeletPort = LocalProcess.freePort();
    var command = new ArrayList<String>();
    command.addAll(
        List.of(
            "python3",
            projectRoot.resolve("sandbox/pod_gateway.py").toAbsolutePath().toString(),
            hubPath().toString(),
            POD_GATEWAY));
    ports.forEach(p -> command.add(String.valueOf(p)));
    command.addAll(List.of("--to-hub", String.valueOf(kubeletPort)));
    var gateway =
        LocalProcess.start("pod-gateway", command, Map.of(), state.resolve("pod-gateway.log"));
    processes.add(gateway);
    gateway.awaitReady(
        () -> gateway.logTail().lines().anyMatch("ready"::equals), Duration.ofSeconds(20));

    // masqueradeAll: a Service's reply from a pod on the same bridge comes back through the hub
    // (no br_netfilter, a module of the whole machine)
    Path dir = Files.createDirectories(state.resolve("kube-proxy"));
    Files.writeString(
        hubKubeconfig(),
        kube.kubeconfigYaml()
            .replace(
                "https://127.0.0.1:" + kube.port(), "https://" + POD_GATEWAY + ":" + kube.port()));
    Files.writeString(
        dir.resolve("config.yaml"),
        """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        clientConnection: {kubeconfig: "%1$s"}
        hostnameOverride: "%2$s"
        bindAddress: %3$s
        clusterCIDR: %4$s
        nodePortAddresses: ["%3$s/32"]
        mode: iptables
        iptables: {masqueradeAll: true, localhostNodePorts: false, syncPeriod: 30s, minSyncPeriod: 0s}
        conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
        """
            .formatted(hubKubeconfig(), NODE, POD_GATEWAY, POD_RANGE));
    processes.add(
        LocalProcess.start(
            "kube-proxy",
            List.of(
                "nsenter",
                "--net=" + hubPath(),
                binary("kube-proxy").toString(),
                "--config=" + dir.resolve("config.yaml")),
            Map.of(), // iptables from scripts/setup's tools, first on PATH
            state.resolve("kube-proxy.log")));
  }

  /** The kubeconfig of the hub's processes (kubelet, kube-proxy): the API server at the gateway. */
  private Path hubKubeconfig() {
    return state.resolve("hub-kubeconfig");
  }

  /** The kubelet listens in the hub; the gateway relays this port of loopback there. */
  private int kubeletPort;

  private Path hubPath() {
    return POD_NETWORKS.resolve(hub);
  }

  private static void ip(String... args) {
    var command = new ArrayList<String>();
    command.add("ip");
    command.addAll(List.of(args));
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Removes a hub network namespace (and with it the bridge and every pod's veth end in it). */
  private static void removeHub(String name) {
    if (Files.exists(POD_NETWORKS.resolve(name))) {
      try {
        ip("netns", "del", name);
      } catch (RuntimeException e) {
        System.err.println("node cluster: cannot remove network namespace " + name + ": " + e);
      }
    }
  }

  /** Loads an image tarball (docker or OCI archive) into the node's containerd, under its name. */
  public void importImage(Path tarball) {
    try {
      SandboxImages.ctrImport(containerdSocket, tarball, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** containerd's log, where a lookup of a registry host would show. */
  public Path containerdLog() {
    return state.resolve("containerd.log");
  }

  /** containerd's socket, for {@code ctr -a SOCKET -n k8s.io ...}. */
  public Path containerdSocket() {
    return containerdSocket;
  }

  private Path binary(String name) {
    return binary(kube.binariesDirectory(), name);
  }

  private static Path binary(Path binaries, String name) {
    Path binary = binaries.resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no " + binary + ": run scripts/setup (it runs scripts/k8s-binaries --node)");
    }
    return binary;
  }

  private void startControlPlane() {
    processes.addAll(controllers(kube, state));
  }

  /**
   * kube-controller-manager and kube-scheduler for an API server: default service accounts, the
   * garbage collector, the namespace controller, Deployments that make pods. Their kubeconfig stays
   * valid across the API server's restarts. The processes log into {@code state}.
   */
  public static AutoCloseable startControllers(RestartableKubernetesPeer kube, Path state) {
    try {
      Files.createDirectories(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<LocalProcess> started = controllers(kube, state);
    return () -> started.forEach(LocalProcess::close);
  }

  private static List<LocalProcess> controllers(RestartableKubernetesPeer kube, Path state) {
    Path binaries = kube.binariesDirectory();
    String kubeconfig = kube.kubeconfig().toString();
    var started = new ArrayList<LocalProcess>();
    started.add(
        LocalProcess.start(
            "kube-controller-manager",
            List.of(
                binary(binaries, "kube-controller-manager").toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=0",
                "--leader-elect=false",
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + kube.apiServerKey(),
                "--root-ca-file=" + kube.apiServerCertificate(),
                "--cluster-name=sandbox",
                "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route"),
            Map.of(),
            state.resolve("kube-controller-manager.log")));
    started.add(
        LocalProcess.start(
            "kube-scheduler",
            List.of(
                binary(binaries, "kube-scheduler").toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=0",
                "--leader-elect=false"),
            Map.of(),
            state.resolve("kube-scheduler.log")));
    return started;
  }

  private void startContainerd(Path projectRoot, RegistryPeer registry) throws IOException {
    Path dir = Files.createDirectories(state.resolve("containerd"));
    Path cniBin = Files.createDirectories(state.resolve("cni/bin"));
    Path cniConf = Files.createDirectories(state.resolve("cni/net.d"));
    for (String plugin : List.of("host-local", "loopback", "bridge")) {
      Files.createSymbolicLink(cniBin.resolve(plugin), Path.of("/usr/lib/cni", plugin));
    }
    Files.createSymbolicLink(
        cniBin.resolve("sandbox-bridge"),
        projectRoot.resolve("sandbox/cni/sandbox-bridge").toAbsolutePath());
    // no default route: pods reach the pod range and, through the gateway, the Service range
    Files.writeString(
        cniConf.resolve("10-sandbox.conflist"),
        """
        {"cniVersion": "1.0.0", "name": "sandbox", "plugins": [
          {"type": "sandbox-bridge", "hub": "%1$s", "bridge": "%2$s",
           "isGateway": true, "isDefaultGateway": false, "ipMasq": false, "hairpinMode": true,
           "ipam": {"type": "host-local",
                    "ranges": [[{"subnet": "%3$s", "gateway": "%4$s"}]],
                    "routes": [{"dst": "%5$s"}],
                    "dataDir": "%6$s"}}]}
        """
            .formatted(
                hubPath(),
                BRIDGE,
                POD_RANGE,
                POD_GATEWAY,
                RestartableKubernetesPeer.SERVICE_RANGE,
                state.resolve("cni/ipam")));
    // every registry host a pod here may name resolves to the loopback registry, never to the
    // network: the ECR host and its dual-stack name, the shipped manifests' placeholder, the tests'
    // chart image and Docker
    // Hub (an image named without a host); with `server` alone containerd 1.6 ignores the file and
    // resolves the real host
    for (String host :
        List.of(
            registry.ecrHost(),
            registry.dualStackHost(),
            "registry.invalid",
            "registry.test",
            "docker.io")) {
      mapRegistry(host, registry.address());
    }
    // ECR Public, to the front that accepts only its tokens
    mapRegistry(RegistryRef.PUBLIC_HOST, registry.publicAddress());
    // where a rehearsal release is published (scripts/release --rehearse): plain HTTP, as named
    mapRegistry(registry.pushAddress(), registry.pushAddress());
    Files.writeString(
        dir.resolve("config.toml"),
        """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%2$s.ttrpc"
        [debug]
          level = "info"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s"
          restrict_oom_score_adj = true
          enable_selinux = false
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%4$s"
            conf_dir = "%5$s"
          [plugins."io.containerd.grpc.v1.cri".registry]
            config_path = "%6$s"
        """
            .formatted(
                dir,
                containerdSocket,
                SandboxImages.PAUSE,
                cniBin,
                cniConf,
                state.resolve("certs.d")));
    var containerd =
        LocalProcess.start(
            "containerd",
            List.of("containerd", "--config", dir.resolve("config.toml").toString()),
            Map.of(),
            state.resolve("containerd.log"));
    processes.add(containerd);
    containerd.awaitReady(() -> Files.exists(containerdSocket), Duration.ofSeconds(30));
    SandboxImages.importPause(containerdSocket, state.resolve("images"));
  }

  /** containerd's hosts.toml: pulls naming {@code host} go to {@code address}, plain HTTP. */
  private void mapRegistry(String host, String address) throws IOException {
    Path dir = Files.createDirectories(state.resolve("certs.d").resolve(host));
    Files.writeString(
        dir.resolve("hosts.toml"),
        """
        server = "http://%1$s"

        [host."http://%1$s"]
          capabilities = ["pull", "resolve"]
        """
            .formatted(address));
  }

  /** The kubelet wants its cgroup root to exist under every controller (cgroup v1). */
  private void makeCgroupRoot() throws IOException {
    try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path controller : controllers.toList()) {
        if (controller.getFileName().toString().equals("unified")) {
          continue;
        }
        Path root = Files.createDirectories(controller.resolve(cgroupRoot.substring(1)));
        for (String inherited : List.of("cpuset.cpus", "cpuset.mems")) {
          Path parent = controller.resolve(inherited);
          if (Files.exists(parent)) {
            Files.writeString(root.resolve(inherited), Files.readString(parent).trim());
          }
        }
      }
    }
  }

  private void startKubelet() throws IOException {
    makeCgroupRoot();
    Path dir = Files.createDirectories(state.resolve("kubelet"));
    int port = kubeletPort;
    int healthz = LocalProcess.freePort();
    Files.writeString(
        dir.resolve("config.yaml"),
        """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %6$s
        port: %1$d
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: %2$d
        containerRuntimeEndpoint: unix://%3$s
        cgroupDriver: cgroupfs
        cgroupRoot: %5$s
        failCgroupV1: false
        failSwapOn: false
        authentication:
          anonymous: {enabled: false}
          webhook: {enabled: false}
          x509: {clientCAFile: "%4$s"}
        authorization: {mode: AlwaysAllow}
        makeIPTablesUtilChains: false
        resolvConf: ""
        serializeImagePulls: false
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        evictionHard: {"memory.available": "1Mi", "nodefs.available": "1%%", "imagefs.available": "1%%"}
        nodeStatusUpdateFrequency: 2s
        syncFrequency: 5s
        fileCheckFrequency: 5s
        """
            .formatted(
                port,
                healthz,
                containerdSocket,
                kube.clientCertificate(),
                cgroupRoot,
                POD_GATEWAY));
    processes.add(
        LocalProcess.start(
            "kubelet",
            List.of(
                // in the hub: its probes reach pods there, and it reaches the API server through
                // the gateway, as kube-proxy does
                "nsenter",
                "--net=" + hubPath(),
                binary("kubelet").toString(),
                "--config=" + dir.resolve("config.yaml"),
                "--kubeconfig=" + hubKubeconfig(),
                "--root-dir=" + dir.resolve("root"),
                "--cert-dir=" + dir.resolve("pki"),
                "--hostname-override=" + NODE),
            Map.of(),
            state.resolve("kubelet.log")));
  }

  private void awaitNodeReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try (KubernetesClient client = kube.adminClient()) {
      while (Instant.now().isBefore(deadline)) {
        for (LocalProcess p : processes) {
          p.awaitReady(() -> true, Duration.ofSeconds(1)); // fails with its log if it died
        }
        Node node = client.nodes().withName(NODE).get();
        boolean ready =
            node != null
                && node.getStatus() != null
                && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        boolean serviceAccount =
            client.serviceAccounts().inNamespace("default").withName("default").get() != null;
        if (ready && serviceAccount) {
          return;
        }
        LocalProcess.sleep(Duration.ofMillis(250));
      }
    }
    throw new IllegalStateException(
        "the node is not Ready after "
            + timeout.toSeconds()
            + " s; kubelet log:\n"
            + processes.get(processes.size() - 1).logTail());
  }

  /**
   * The machine's own values, kept in {@link #ORIGINAL_SYSCTLS} until the cluster has put them
   * back: a cluster whose process was killed (no {@link #close()}) leaves the file, and the next
   * cluster restores those values rather than the ones the dead kubelet set.
   */
  private void saveSysctls() throws IOException {
    if (Files.exists(ORIGINAL_SYSCTLS)) {
      for (String line : Files.readAllLines(ORIGINAL_SYSCTLS)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          savedSysctls.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return;
    }
    for (String s : SYSCTLS) {
      try {
        savedSysctls.put(s, Files.readString(Path.of("/proc/sys", s)).trim());
      } catch (IOException e) {
        // not on this kernel
      }
    }
    Files.createDirectories(ORIGINAL_SYSCTLS.getParent());
    var lines = new ArrayList<String>();
    savedSysctls.forEach((k, v) -> lines.add(k + "=" + v));
    Files.write(ORIGINAL_SYSCTLS, lines);
  }

  /** Where the machine's sysctls wait while a cluster runs (tmpfs: gone at reboot, as they are). */
  static final Path ORIGINAL_SYSCTLS = Path.of("/run/ecr-sandbox/original-sysctls");

  /**
   * What a cluster whose process was killed left in this state directory: its processes (found by
   * their command lines, which name the directory) and its pods' processes (in the cgroup root it
   * recorded), its mounts and cgroups.
   */
  private static void reapLeftovers(Path state) throws IOException {
    String dir = state.toAbsolutePath().toString();
    Path recorded = state.resolve("cgroup-root");
    String cgroupRoot = Files.exists(recorded) ? Files.readString(recorded).trim() : null;
    var leftovers =
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != ProcessHandle.current().pid())
            .filter(
                p ->
                    p.info().commandLine().map(c -> c.contains(dir)).orElse(false)
                        || (cgroupRoot != null && inCgroup(p.pid(), cgroupRoot)))
            .toList();
    if (!leftovers.isEmpty()) {
      System.err.println(
          "node cluster: stopping " + leftovers.size() + " processes a killed run left in " + dir);
      leftovers.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : leftovers) {
        p.onExit()
            .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
            .exceptionally(e -> p)
            .join();
      }
    }
    unmountUnder(state);
    if (cgroupRoot != null) {
      removeCgroups(cgroupRoot);
    }
    Path hub = state.resolve("hub-netns");
    if (Files.exists(hub)) {
      removeHub(Files.readString(hub).trim());
    }
  }

  @Override
  public void close() {
    try {
      stopNode();
    } catch (RuntimeException e) {
      System.err.println("node cluster: stopping the node: " + e);
    } finally {
      kube.close();
    }
  }

  private void stopNode() {
    try (KubernetesClient client = kube.adminClient()) {
      client
          .pods()
          .inAnyNamespace()
          .list()
          .getItems()
          .forEach(p -> podUids.add(p.getMetadata().getUid()));
    } catch (RuntimeException e) {
      // the API server is gone: the pods' logs stay behind
    }
    // the kubelet first (it would restart what is stopped), then every container, then containerd
    for (int i = processes.size() - 1; i >= 0; i--) {
      if (processes.get(i).name().equals("kubelet")) {
        processes.get(i).close();
      }
    }
    killContainers();
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    unmountUnder(state);
    removeCgroups();
    removeDeadPodNetworks(podNetworksAtStart, java.util.Optional.empty());
    removeHub(hub);
    savedSysctls.forEach(
        (s, value) -> {
          try {
            Files.writeString(Path.of("/proc/sys", s), value);
          } catch (IOException e) {
            System.err.println("cannot restore sysctl " + s + ": " + e.getMessage());
          }
        });
    if (!savedSysctls.isEmpty()) {
      try {
        Files.deleteIfExists(ORIGINAL_SYSCTLS);
      } catch (IOException e) {
        System.err.println("cannot remove " + ORIGINAL_SYSCTLS + ": " + e.getMessage());
      }
    }
    // the kubelet writes pod logs to fixed paths: this cluster's pods' entries go, and the
    // directories too where this cluster made them and they are empty now
    for (Path logs : List.of(Path.of("/var/log/pods"), Path.of("/var/log/containers"))) {
      try (var entries = Files.list(logs)) {
        entries
            .filter(e -> podUids.stream().anyMatch(uid -> e.getFileName().toString().contains(uid)))
            .forEach(NodeCluster::deleteTree);
      } catch (IOException e) {
        // not there
      }
    }
    if (createdPodLogs) {
      for (Path logs : List.of(Path.of("/var/log/pods"), Path.of("/var/log/containers"))) {
        logs.toFile().delete(); // only if empty
      }
    }
  }

  /** Every process of this cluster's pods (in its cgroups) and every shim of its containerd. */
  private void killContainers() {
    String socket = containerdSocket.toString();
    ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().commandLine().map(c -> c.contains(socket)).orElse(false)
                    || inCgroupRoot(p.pid()))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private boolean inCgroupRoot(long pid) {
    return inCgroup(pid, cgroupRoot);
  }

  private static boolean inCgroup(long pid, String root) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), "cgroup"))
          .contains(":" + root + "/");
    } catch (IOException e) {
      return false;
    }
  }

  private static void unmountUnder(Path dir) {
    try {
      String prefix = dir.toAbsolutePath().toString();
      var mounts =
          Files.readAllLines(Path.of("/proc/self/mounts")).stream()
              .map(l -> l.split(" ")[1].replace("\\040", " "))
              .filter(m -> m.startsWith(prefix))
              .sorted(Comparator.reverseOrder())
              .toList();
      for (String mount : mounts) {
        new ProcessBuilder("umount", "-l", mount).inheritIO().start().waitFor();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * This cluster's cgroups (cgroupfs driver: /sys/fs/cgroup/CONTROLLER/ROOT/...), deepest first.
   */
  private void removeCgroups() {
    removeCgroups(cgroupRoot);
  }

  private static void removeCgroups(String cgroupRoot) {
    Path root = Path.of("/sys/fs/cgroup");
    try (var controllers = Files.list(root)) {
      for (Path controller : controllers.toList()) {
        Path kubepods = controller.resolve(cgroupRoot.substring(1));
        if (controller.getFileName().toString().equals("unified") || !Files.isDirectory(kubepods)) {
          continue;
        }
        try (var tree = Files.walk(kubepods)) {
          tree.filter(Files::isDirectory)
              .sorted(Comparator.reverseOrder())
              .forEach(
                  d -> {
                    try {
                      Files.delete(d); // rmdir: a cgroup directory holds only its control files
                    } catch (IOException e) {
                      System.err.println("cannot remove cgroup " + d + ": " + e.getMessage());
                    }
                  });
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("cannot remove " + dir + ": " + e.getMessage());
    }
  }
}
