package io.ecrsecret.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the sandbox for people, for {@code scripts/sandbox up}: starts the peers, writes {@code env}
 * (export lines) and {@code pids} into the state directory, and runs until it is terminated, then
 * stops every peer.
 */
public final class SandboxMain {

  private SandboxMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: SandboxMain PROJECT_ROOT STATE_DIR");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath();
    Path state = Path.of(args[1]).toAbsolutePath();
    // a one-node cluster (kubelet, containerd, controller manager, scheduler) where this machine
    // allows it (root); ECR_SANDBOX_NODE=0 leaves it out
    Sandbox sandbox = Sandbox.start(root, state, Sandbox.nodeWanted());
    // tokens that last 12 hours, as ECR's do (moto's own would say they expired in 2015)
    sandbox.aws().tokenExpiresIn(java.time.Duration.ofHours(12));
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sandbox.close();
                  stopped.countDown();
                }));

    List<Long> pids = new ArrayList<>(sandbox.pids());
    ProcessHandle.current().descendants().map(ProcessHandle::pid).forEach(pids::add);
    Files.writeString(
        state.resolve("pids"),
        pids.stream().distinct().map(String::valueOf).collect(Collectors.joining("\n")) + "\n");
    String exports =
        sandbox.environment().entrySet().stream()
                .map(e -> "export " + e.getKey() + "='" + e.getValue() + "'")
                .collect(Collectors.joining("\n"))
            + "\n";
    Path env = state.resolve("env");
    Files.writeString(state.resolve("env.tmp"), exports);
    Files.move(state.resolve("env.tmp"), env, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("sandbox: up");
    stopped.await();
  }
}
