package io.ecrsecret.operator;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Event and one log line per distinct change of a condition, not one per retry: a change is
 * announced when the condition in the status differs from the new state (for a failure, its message
 * too) and that state was not the one last announced for it. The second test matters when a status
 * patch is refused as stale (409) or the cache lags after an API-server restart: the status still
 * shows the old state, the announcement was made already. Kept per resource (UID) and condition
 * type, forgotten on deletion.
 */
final class Announcements {

  private final Map<String, String> announced = new ConcurrentHashMap<>();

  /** Whether this state of the condition is to be announced now (and is, from now on, the last). */
  boolean isNew(
      String uid,
      String type,
      Optional<Condition> inStatus,
      boolean holds,
      String reason,
      String message) {
    boolean changed =
        inStatus.isEmpty()
            || !inStatus.get().getStatus().equals(holds ? "True" : "False")
            || !inStatus.get().getReason().equals(reason)
            || (!holds && !inStatus.get().getMessage().equals(message));
    String state = holds ? "True/" + reason : "False/" + reason + "/" + message;
    String last = announced.put(uid + "/" + type, state);
    return changed && !state.equals(last);
  }

  void forget(String uid) {
    announced.keySet().removeIf(k -> k.startsWith(uid + "/"));
  }
}
