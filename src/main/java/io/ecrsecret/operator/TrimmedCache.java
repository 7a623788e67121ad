package io.ecrsecret.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.UnaryOperator;

/**
 * What the informers of secondary resources keep in memory. They only trigger reconciles (the
 * reconcilers read secrets, service accounts and namespaces from the API server when they act), so
 * their caches hold each object's identity and markers: no secret data, no service account links,
 * no managed fields. With thousands of namespaces this is most of the heap.
 */
final class TrimmedCache {

  private TrimmedCache() {}

  static ItemStore<Secret> secrets() {
    return store(s -> new SecretBuilder().withMetadata(meta(s)).withType(s.getType()).build());
  }

  static ItemStore<ServiceAccount> serviceAccounts() {
    return store(sa -> new ServiceAccountBuilder().withMetadata(meta(sa)).build());
  }

  static ItemStore<Namespace> namespaces() {
    return store(ns -> new NamespaceBuilder().withMetadata(meta(ns)).build());
  }

  /** Name, namespace, uid, resource version, labels, annotations, owners: what mappers read. */
  static ObjectMeta meta(HasMetadata resource) {
    ObjectMeta m = resource.getMetadata();
    return new ObjectMetaBuilder()
        .withName(m.getName())
        .withNamespace(m.getNamespace())
        .withUid(m.getUid())
        .withResourceVersion(m.getResourceVersion())
        .withLabels(m.getLabels())
        .withAnnotations(m.getAnnotations())
        .withOwnerReferences(m.getOwnerReferences())
        .withDeletionTimestamp(m.getDeletionTimestamp())
        .build();
  }

  private static <R extends HasMetadata> ItemStore<R> store(UnaryOperator<R> trim) {
    return new TransformingItemStore<>(trim);
  }
}
