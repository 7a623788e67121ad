package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster holds, as far as a refresh needs to know, in the {@link TrimmedObjects} form:
 * the operator answers from its informer caches (no request), the CLI from a few listings made once
 * per run. A refresh decides from this and reads from the API server only right before a write that
 * the state cannot settle alone.
 */
public interface ClusterState {

  /** Every namespace, or those matching a label selector (the API server's string form). */
  List<Namespace> namespaces(Optional<String> labelSelector);

  /**
   * One namespace: empty if it does not exist; {@code null} if it cannot be known (a Role-only
   * install may not read Namespace objects), in which case the caller goes ahead.
   */
  Optional<Namespace> namespace(String name);

  /**
   * A secret of ours (managed-by label), trimmed; empty if there is none of ours by that name. A
   * secret someone else made is not here: writing one finds it (409) and reads it then.
   */
  Optional<Secret> managedSecret(String namespace, String name);

  /** The secrets of ours kept by this owner, trimmed. */
  List<Secret> managedSecretsOf(String owner);

  /** A service account with its links, trimmed; empty if it does not exist. */
  Optional<ServiceAccount> serviceAccount(String namespace, String name);

  /** The names of every service account of a namespace. */
  List<String> serviceAccountNames(String namespace);

  /**
   * Before a refresh of these namespaces: a state that reads on demand may list what it will be
   * asked about at once, where that is cheaper than a read per namespace.
   */
  default void prepare(
      java.util.Collection<String> namespaces, java.util.Collection<String> serviceAccounts) {}

  /**
   * Whether a service account that is not there yet will be seen when it appears (the operator
   * watches them): then a missing account is linked when it comes, rather than failing now, as a
   * new namespace's {@code default} account always arrives a moment after the namespace.
   */
  default boolean seesServiceAccountsAppear() {
    return false;
  }

  /**
   * Called after this program wrote an object, with the trimmed state before (null when it was
   * created) and the object as the API server returned it: the state shows the write at once, and
   * the operator is not woken by its own write.
   */
  default void wrote(Secret before, Secret written) {}

  default void wrote(ServiceAccount before, ServiceAccount written) {}
}
