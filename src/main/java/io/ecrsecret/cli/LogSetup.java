package io.ecrsecret.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * How the program logs, set up in code (found by logback through {@code META-INF/services}), not by
 * a {@code logback.xml}: reading one brings logback's XML configurator and the JDK's XML parser,
 * about 400 classes loaded at every start for these few lines.
 *
 * <p>One line per event on stderr, in UTC, with the resource a reconcile is about (the framework's
 * MDC). {@code io.ecrsecret} logs at {@code ECR_LOG_LEVEL} (a system property or the environment;
 * default INFO); everything else at WARN. The AWS SDK, its HTTP client and the Kubernetes client
 * log request and response bodies (tokens, keys, secret data) at DEBUG and below: they stay at WARN
 * whatever {@code ECR_LOG_LEVEL} says.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}"
          + "%replace( [%mdc{resource.namespace}/%mdc{resource.name}]){' \\[/\\]', ''}: %msg%n";

  /** Levels other than the root's (WARN) and ours. */
  static final Map<String, Level> LEVELS =
      Map.of(
          "software.amazon.awssdk", Level.WARN,
          "org.apache.http", Level.WARN,
          "io.fabric8", Level.WARN,
          "okhttp3", Level.WARN,
          // when the API server goes away, the JDK client logs a stack trace per dropped watch at
          // WARN; the watches reconnect all the same, and /readyz reports an informer that cannot
          "io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl", Level.ERROR,
          "io.javaoperatorsdk", Level.INFO,
          // it logs each 409 on a status patch with the whole response at INFO; the reconciler
          // says the same in one line ("Conflict writing ...; trying again")
          "io.javaoperatorsdk.operator.processing.event.EventProcessor", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    var stderr = new ConsoleAppender<ILoggingEvent>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    context.getLogger("io.ecrsecret").setLevel(Level.toLevel(ourLevel(), Level.INFO));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static String ourLevel() {
    String level = System.getProperty("ECR_LOG_LEVEL");
    return level != null ? level : System.getenv("ECR_LOG_LEVEL");
  }
}
