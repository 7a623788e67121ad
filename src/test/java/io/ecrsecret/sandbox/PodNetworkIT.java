package io.ecrsecret.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node's pod network: pods reach the API server through the {@code kubernetes} Service, other
 * pods through Services (kube-proxy's rules), and the AWS emulator at the pod gateway; a packet to
 * any other address fails in the pod at once; and nothing of the pod network shows in the namespace
 * the sandbox was started in. {@code kubectl logs} of a pod works.
 */
@ExtendWith(SandboxExtension.class)
class PodNetworkIT {

  private static final String NS = "pod-network";

  private static KubernetesClient kube;

  @BeforeAll
  static void connect(Sandbox sandbox) {
    kube = sandbox.kubernetes().adminClient();
    kube.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    await("the namespace's default service account")
        .atMost(Duration.ofSeconds(30))
        .until(() -> kube.serviceAccounts().inNamespace(NS).withName("default").get() != null);
  }

  @AfterAll
  static void disconnect() {
    if (kube != null) {
      kube.namespaces().withName(NS).delete();
      kube.close();
    }
  }

  @Test
  void podsReachTheClusterAndThePeersAndNothingElse(Sandbox sandbox) throws Exception {
    int aws = sandbox.aws().endpoint().getPort();
    String script =
        String.join(
            "\n",
            "b=/bin/busybox",
            "try() { if out=$($b nc -w 5 \"$2\" \"$3\" </dev/null 2>&1); then echo \"$1: reached\";"
                + " else echo \"$1: $out\"; fi; }",
            "try api 10.0.0.1 443",
            "try aws " + NodeCluster.POD_GATEWAY + " " + aws,
            // TEST-NET-1: documentation only; no route leads there, so no packet is sent at all
            "try outside 192.0.2.1 80",
            "$b ip route");
    Pod pod = runToCompletion("reach", script);
    String log = kubectlLogs(sandbox, "reach");

    assertThat(pod.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    assertThat(log)
        .contains("api: reached", "aws: reached")
        .contains("outside: nc: can't connect to remote host (192.0.2.1): Network is unreachable")
        .doesNotContain("default");
  }

  @Test
  void podsReachEachOtherThroughAService(Sandbox sandbox) throws Exception {
    kube.resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(NS)
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("main")
                .withImage(SandboxImages.PAUSE)
                .withImagePullPolicy("Never")
                .withCommand(
                    "/bin/busybox",
                    "sh",
                    "-c",
                    "/bin/busybox mkdir -p /tmp/www && echo served-by-web > /tmp/www/index.html"
                        + " && exec /bin/busybox httpd -f -p 8080 -h /tmp/www")
                .withNewReadinessProbe()
                .withNewTcpSocket()
                .withNewPort(8080)
                .endTcpSocket()
                .withPeriodSeconds(1)
                .endReadinessProbe()
                .endContainer()
                .endSpec()
                .build())
        .create();
    var service =
        kube.resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .withNamespace(NS)
                    .endMetadata()
                    .withNewSpec()
                    .addToSelector("app", "web")
                    .addNewPort()
                    .withPort(80)
                    .withNewTargetPort(8080)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    await("the web pod Ready")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Pod web = kube.pods().inNamespace(NS).withName("web").get();
              return web.getStatus().getConditions().stream()
                  .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            });
    String ip = service.getSpec().getClusterIP();
    assertThat(ip).startsWith("10.0.0.");
    // kube-proxy writes the Service's rules within a second or so of its endpoints; a few tries
    Pod client =
        runToCompletion(
            "client",
            // busybox's nc with the address (its static wget crashes looking names up)
            "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'GET / HTTP/1.0\\r\\n\\r\\n'"
                + " | /bin/busybox nc -w 2 "
                + ip
                + " 80 && exit 0; sleep 1; done; exit 1");
    String log = kube.pods().inNamespace(NS).withName("client").getLog();
    assertThat(client.getStatus().getPhase())
        .as(
            () ->
                log
                    + "\nthe hub's NAT rules:\n"
                    + runQuietly(
                        List.of(
                            "ip", "netns", "exec", sandbox.node().hubNetwork(), "iptables-save")))
        .isEqualTo("Succeeded");
    assertThat(log).contains("served-by-web");
  }

  @Test
  void nothingOfThePodNetworkInTheStartingNamespace(Sandbox sandbox) throws Exception {
    String hub = sandbox.node().hubNetwork();
    for (List<String> command : List.of(List.of("ip", "addr"), List.of("ip", "route"))) {
      assertThat(run(command))
          .as(String.join(" ", command) + " in the namespace the sandbox started in")
          .doesNotContain("10.88.", "10.0.0.", "sandbox0", "veth");
    }
    assertThat(run(List.of("ip", "-n", hub, "route")))
        .as("the hub has no route out")
        .doesNotContain("default")
        .contains("10.88.0.0/16 dev sandbox0");
    var interfaces = new ArrayList<String>();
    for (String line : run(List.of("ip", "-n", hub, "-o", "link")).lines().toList()) {
      interfaces.add(line.split(":")[1].trim().replaceAll("@.*", ""));
    }
    assertThat(interfaces)
        .as("the hub has no physical interface: loopback, the bridge and pods' veth ends")
        .allMatch(i -> i.equals("lo") || i.equals("sandbox0") || i.startsWith("veth"));
  }

  private static Pod runToCompletion(String name, String script) {
    kube.resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("main")
                .withImage(SandboxImages.PAUSE)
                .withImagePullPolicy("Never")
                .withCommand("/bin/busybox", "sh", "-c", script)
                .endContainer()
                .endSpec()
                .build())
        .create();
    return await(name + " completed")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> kube.pods().inNamespace(NS).withName(name).get(),
            p ->
                p.getStatus() != null
                    && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()));
  }

  /** {@code kubectl logs}, as a user runs it: the API server asks the node's kubelet. */
  private static String kubectlLogs(Sandbox sandbox, String pod) throws Exception {
    return run(
        List.of(
            sandbox.node().kubectl().toString(),
            "--kubeconfig",
            sandbox.kubernetes().kubeconfig().toString(),
            "logs",
            "-n",
            NS,
            pod));
  }

  private static String runQuietly(List<String> command) {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    return output;
  }
}
