package io.ecrsecret.refresh;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Serves namespaces {@value #THREADS} at a time, on one pool shared by every refresh of a
 * refresher: a cluster-wide resource over 1,000 namespaces is not served one request after another,
 * and however many refreshes run at once, the API server never sees more than that many of our
 * namespace writes in flight. The pool's threads exist only while there is work.
 */
final class FanOut {

  static final int THREADS = 8;

  private final ExecutorService pool = pool();

  /**
   * Serves each item on the pool, with the caller's logging context (the resource being
   * reconciled), and waits for all of them; the first failure cancels the rest and is thrown.
   */
  <T, R> List<R> each(List<T> items, Function<T, R> serve) {
    if (items.size() < 2) {
      return items.stream().map(serve).toList();
    }
    Map<String, String> context = MDC.getCopyOfContextMap();
    var futures = new ArrayList<Future<R>>(items.size());
    for (T item : items) {
      futures.add(
          pool.submit(
              () -> {
                if (context != null) {
                  MDC.setContextMap(context);
                }
                try {
                  return serve.apply(item);
                } finally {
                  MDC.clear();
                }
              }));
    }
    var results = new ArrayList<R>(items.size());
    try {
      for (var future : futures) {
        results.add(future.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while serving namespaces", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return results;
  }

  private static ExecutorService pool() {
    var threads = new AtomicInteger();
    var pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              var thread = new Thread(task, "fan-out-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
