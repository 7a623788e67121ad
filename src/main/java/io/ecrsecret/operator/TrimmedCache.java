package io.ecrsecret.operator;

import io.ecrsecret.kube.TrimmedObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.UnaryOperator;

/**
 * What the informers of secondary resources keep in memory: the {@link TrimmedObjects} form, which
 * holds what tells whether a secret and its links are current (digests, hosts, links) and no secret
 * data, no managed fields. With thousands of namespaces this is most of the heap.
 */
final class TrimmedCache {

  private TrimmedCache() {}

  static ItemStore<Secret> secrets() {
    return store(TrimmedObjects::secret);
  }

  static ItemStore<ServiceAccount> serviceAccounts() {
    return store(TrimmedObjects::serviceAccount);
  }

  static ItemStore<Namespace> namespaces() {
    return store(TrimmedObjects::namespace);
  }

  private static <R extends HasMetadata> ItemStore<R> store(UnaryOperator<R> trim) {
    return new TransformingItemStore<>(trim);
  }
}
