package io.ecrsecret.kube;

import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.kube.SecretPolicy.Refuse;
import io.ecrsecret.kube.SecretPolicy.Wanted;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * When a secret as read is left as it is: named rules, each a reason and a message, tried in order
 * (not managed, owned elsewhere, of another type, not made by the replaced operator, controlled
 * elsewhere); the first that applies decides. {@link #holdsOtherData} comes last, once our data are
 * known.
 */
final class SecretRefusals {

  private SecretRefusals() {}

  /** The first rule that refuses the secret, if any. */
  static Optional<Refuse> first(Found found, Wanted wanted) {
    return Stream.<Rule>of(
            SecretRefusals::notManaged,
            SecretRefusals::ownedElsewhere,
            SecretRefusals::ofAnotherType,
            SecretRefusals::notMadeByReplacedOperator,
            SecretRefusals::controlledElsewhere)
        .map(rule -> rule.refuses(found, wanted))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** What a secret is to us, as read. */
  record Found(
      Secret secret, String currentOwner, boolean managed, boolean madeByReplacedOperator) {

    static Found of(Secret secret, Wanted wanted) {
      String currentOwner = ManagedMarkers.annotation(secret, ManagedMarkers.OWNER);
      boolean managed = ManagedMarkers.isManaged(secret) || currentOwner != null;
      return new Found(
          secret, currentOwner, managed, !managed && SecretPolicy.madeByReplacedOperator(secret));
    }

    /**
     * A secret our CLI keeps, wanted by a resource: taken over in place, as if the resource had
     * made it (same UID, never deleted), so that moving from a CronJob to the operator leaves no
     * moment without a secret.
     */
    boolean takenFromCli(Wanted wanted) {
      return PullSecretWriter.CLI_OWNER.equals(currentOwner)
          && !wanted.owner().equals(PullSecretWriter.CLI_OWNER);
    }

    /** Made ours as if we had made it: what the replaced operator left, where that is asked. */
    boolean takenOver(Wanted wanted) {
      return madeByReplacedOperator
          && (wanted.adoption() == Adoption.TAKE_OVER
              || wanted.adoption() == Adoption.TAKE_OVER_OR_ADOPT);
    }
  }

  /** One refusal rule: the reason and message to leave the secret as it is, where it applies. */
  @FunctionalInterface
  private interface Rule {
    Optional<Refuse> refuses(Found found, Wanted wanted);
  }

  static Optional<Refuse> notManaged(Found found, Wanted wanted) {
    if (found.managed() || wanted.adoption() != Adoption.NEVER) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(
            StatusReason.SECRET_NOT_MANAGED,
            wanted,
            " exists and is not managed by ecr-secret-operator; it was left as it is. "
                + (wanted.owner().equals(PullSecretWriter.CLI_OWNER)
                    ? "Pass --adopt"
                    : "Set spec.adopt: true")
                + " to take it over; entries it holds for other registries are kept. Or choose"
                + " another secret name"));
  }

  /**
   * Never taken over from another resource, adopt or not: two owners would swap it back and forth,
   * and deleting one would delete what the other keeps. What our own CLI keeps (a CronJob, a
   * pipeline) a resource takes over in place ({@link Found#takenFromCli}); the CLI is then refused
   * here, and says which resource keeps the secret now.
   */
  static Optional<Refuse> ownedElsewhere(Found found, Wanted wanted) {
    if (!found.managed()
        || found.currentOwner() == null
        || wanted.owner().equals(found.currentOwner())
        || found.takenFromCli(wanted)) {
      return Optional.empty();
    }
    String owner = DisplayText.clean(found.currentOwner(), DisplayText.VALUE * 2);
    if (wanted.owner().equals(PullSecretWriter.CLI_OWNER)) {
      return Optional.of(
          refuse(
              StatusReason.SECRET_OWNED_ELSEWHERE,
              wanted,
              " is kept by "
                  + owner
                  + " now (the operator took it over); it was left as it is. Stop the CronJob or"
                  + " script that runs this refresh, or choose another --secret-name"));
    }
    return Optional.of(
        refuse(
            StatusReason.SECRET_OWNED_ELSEWHERE,
            wanted,
            " is kept by "
                + owner
                + ", not by "
                + wanted.owner()
                + "; it was left as it is. Choose another secret name, or delete that resource"
                + " first"));
  }

  static Optional<Refuse> ofAnotherType(Found found, Wanted wanted) {
    String type = found.secret().getType();
    if (Objects.equals(type, wanted.content().type())) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(
            StatusReason.SECRET_TYPE_MISMATCH,
            wanted,
            " has type "
                + type
                + " but needs "
                + wanted.content().type()
                + "; a secret's type cannot change in place. Delete it or choose another secret"
                + " name"));
  }

  /**
   * Only what rh-mobb's operator made is taken over as ours: anything else may hold someone's data
   * (a database password under the same name), and a take-over keeps no record of it.
   */
  static Optional<Refuse> notMadeByReplacedOperator(Found found, Wanted wanted) {
    if (found.managed()
        || wanted.adoption() != Adoption.TAKE_OVER
        || found.madeByReplacedOperator()) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(
            StatusReason.SECRET_NOT_MANAGED,
            wanted,
            " exists and was made neither by rh-mobb's ecr-secret-operator (it has no owner"
                + " reference to one of its ecr.mobb.redhat.com resources) nor by"
                + " ecr-secret-operator; it was left as it is. Choose another"
                + " generated_secret_name, or delete that secret if nothing needs it (or the"
                + " platform lets rh-mobb's kinds adopt such secrets:"
                + " --compat-adopt-other-secrets, the chart's compat.adoptOtherSecrets)"));
  }

  /** A secret taken over must have no other controller. */
  static Optional<Refuse> controlledElsewhere(Found found, Wanted wanted) {
    if (!found.takenOver(wanted)) {
      return Optional.empty();
    }
    return SecretPolicy.ownerReferences(found.secret()).stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .filter(r -> !SecretPolicy.refersTo(r, wanted.owner()))
        .findFirst()
        .map(
            controller ->
                refuse(
                    StatusReason.SECRET_CONTROLLED_ELSEWHERE,
                    wanted,
                    " is controlled by "
                        + DisplayText.clean(
                            controller.getKind() + " " + controller.getName(),
                            DisplayText.VALUE * 2)
                        + "; it was left as it is. Choose another secret name, or remove it from"
                        + " that controller first"));
  }

  /** Content that replaces the data whole may not be adopted over data it would overwrite. */
  static Optional<Refuse> holdsOtherData(Found found, Wanted wanted, Map<String, String> ourData) {
    Set<String> othersKeys = new TreeSet<>(SecretPolicy.data(found.secret()).keySet());
    othersKeys.removeAll(ourData.keySet());
    if (found.managed() || othersKeys.isEmpty() || wanted.content().mergesIntoOthers()) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(
            StatusReason.SECRET_HOLDS_OTHER_DATA,
            wanted,
            " holds other data ("
                + DisplayText.clean(String.join(", ", othersKeys), DisplayText.VALUE * 2)
                + "); adopting it would overwrite what it is for. It was left as it is: choose"
                + " another secret name"));
  }

  /** A refusal whose message starts by naming the secret ({@code secret NS/NAME ...}). */
  private static Refuse refuse(StatusReason reason, Wanted wanted, String rest) {
    return new Refuse(reason, "secret " + wanted.where() + rest);
  }
}
