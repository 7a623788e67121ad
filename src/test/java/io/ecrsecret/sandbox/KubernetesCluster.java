package io.ecrsecret.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * What tests and people use of the sandbox's Kubernetes: a real API server, with a node and its
 * controllers ({@link NodeCluster}) or without ({@link KubernetesPeer}).
 */
public interface KubernetesCluster extends AutoCloseable {

  /** The kubeconfig file of a cluster administrator (client certificate in system:masters). */
  Path kubeconfig();

  String kubeconfigYaml();

  /** A client with cluster-admin rights. */
  KubernetesClient adminClient();

  /** A client that acts as the given user, e.g. {@code system:serviceaccount:ns:name}. */
  KubernetesClient clientImpersonating(String user, String... groups);

  /** The key the API server signs service-account tokens with. */
  Path serviceAccountSigningKey();

  @Override
  void close();
}
