package io.ecrsecret.sandbox;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the {@link Sandbox}: started once per test JVM, on first use, and stopped
 * when the whole run ends. Use as {@code @ExtendWith(SandboxExtension.class)} and take a {@code
 * Sandbox} parameter.
 */
public final class SandboxExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Sandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class)
        .sandbox();
  }

  /** Closed by JUnit when the root context closes, at the end of the run. */
  record Running(Sandbox sandbox) implements ExtensionContext.Store.CloseableResource {
    static Running start() {
      Path root = Path.of("").toAbsolutePath();
      Sandbox sandbox = Sandbox.start(root, root.resolve("target/sandbox"), Sandbox.nodeWanted());
      // What AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ... are for a process: the AWS SDK's own
      // system properties, so that code under test in this JVM reaches the sandbox by default.
      var env = sandbox.environment();
      System.setProperty("aws.endpointUrl", env.get("AWS_ENDPOINT_URL"));
      System.setProperty("aws.accessKeyId", env.get("AWS_ACCESS_KEY_ID"));
      System.setProperty("aws.secretAccessKey", env.get("AWS_SECRET_ACCESS_KEY"));
      System.setProperty("aws.region", env.get("AWS_REGION"));
      System.setProperty("aws.disableEc2Metadata", "true");
      return new Running(sandbox);
    }

    @Override
    public void close() {
      sandbox.close();
    }
  }
}
