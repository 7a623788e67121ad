package io.ecrsecret.cli;

import io.ecrsecret.aws.AwsClientSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the commands run against: the composition root of the CLI. The real one uses the current
 * kubeconfig (or the in-cluster service account), the system clock and the process environment;
 * tests pass their own.
 *
 * @param environment where options without a value on the command line are read from
 */
public record CliRuntime(
    Supplier<KubernetesClient> kubernetes,
    Clock clock,
    Map<String, String> environment,
    AwsClientSettings aws) {

  public static CliRuntime system() {
    return new CliRuntime(
        () -> KubeConnection.connect(System.getenv()),
        Clock.systemUTC(),
        System.getenv(),
        AwsClientSettings.DEFAULT);
  }
}
