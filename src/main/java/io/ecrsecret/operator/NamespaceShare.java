package io.ecrsecret.operator;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares the reconcile threads fairly among namespaces: at most {@code perNamespace} reconciles of
 * one namespace run at once, so that a namespace that floods the operator (hundreds of resources,
 * each with many regions and its own role session) waits behind the others rather than taking every
 * thread. A reconcile that finds its namespace's share taken goes to the back of the queue
 * (rescheduled shortly, no request made). Holds one counter per namespace with work in flight.
 */
final class NamespaceShare {

  /** One reconcile's place in its namespace's share; given back when it ends. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private final int perNamespace;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  NamespaceShare(int perNamespace) {
    if (perNamespace < 1) {
      throw new IllegalArgumentException("a namespace's share must be at least 1");
    }
    this.perNamespace = perNamespace;
  }

  /**
   * The share of {@code threads} reconcile threads one namespace may hold: a quarter, at least 1.
   */
  static NamespaceShare of(int threads) {
    return new NamespaceShare(Math.max(1, threads / 4));
  }

  /**
   * A place for a reconcile in the namespace ({@code ""} for cluster-scoped resources), or empty
   * when its share is taken.
   */
  Optional<Slot> tryEnter(String namespace) {
    boolean[] entered = {false};
    inFlight.compute(
        namespace,
        (ns, n) -> {
          int now = n == null ? 0 : n;
          if (now >= perNamespace) {
            return now;
          }
          entered[0] = true;
          return now + 1;
        });
    if (!entered[0]) {
      return Optional.empty();
    }
    return Optional.of(
        () -> inFlight.computeIfPresent(namespace, (ns, n) -> n <= 1 ? null : n - 1));
  }

  /** Namespaces with a reconcile in flight now. */
  int namespacesInFlight() {
    return inFlight.size();
  }
}
