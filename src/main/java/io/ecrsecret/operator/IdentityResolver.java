package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.Glob;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns a resource's {@code aws} block into an identity, enforcing who may use what (see DESIGN.md
 * beside this package):
 *
 * <ul>
 *   <li>a namespaced resource may read keys only from a Secret in its own namespace;
 *   <li>it may assume a role only if the operator's allow-list ({@code --allowed-role-arns}) or its
 *       namespace's annotation {@value #ALLOWED_ROLES_ANNOTATION} (which only whoever may edit
 *       Namespaces can set) matches the ARN;
 *   <li>it may be a service account of its own namespace as a role (IRSA's way), the role under the
 *       same allow-list;
 *   <li>it may use the operator's own identity unless the operator says otherwise;
 *   <li>a cluster-scoped resource, which only cluster administrators can create, may use any.
 * </ul>
 */
public final class IdentityResolver {

  public static final String ALLOWED_ROLES_ANNOTATION = "ecr-secret-operator.io/allowed-role-arns";

  /** A resource asked for an identity it may not use; nothing was written. */
  public static final class IdentityNotAllowedException extends RuntimeException {
    public IdentityNotAllowedException(String message) {
      super(message, null, false, false);
    }
  }

  /** The service accounts of a namespace, as the informer caches hold them (annotations, UID). */
  @FunctionalInterface
  public interface ServiceAccounts {
    Optional<ServiceAccount> find(String namespace, String name);
  }

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final AwsKeysSecretReader keys;

  public IdentityResolver(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
    this.keys = new AwsKeysSecretReader(client);
    // compiled once: every reconcile of a resource with a role asks them
    this.allowedRoles =
        config.allowedRoleArns().stream()
            .filter(g -> !g.isBlank())
            .map(IdentityResolver::roleGlob)
            .toList();
    this.compatIdentityNamespaces =
        config.compatIdentityNamespaces().stream().map(NamespacePattern::new).toList();
  }

  private final List<Glob> allowedRoles;
  private final List<NamespacePattern> compatIdentityNamespaces;

  /**
   * The identity one of rh-mobb's resources uses. Those kinds have no {@code aws} block, so it is
   * always the platform's: the compat credentials Secret of the operator's namespace, read by
   * {@code compatKeys}, or the operator's own. The rule for namespaced resources without an
   * identity holds for them too: where the operator lends its identity to none, only the namespaces
   * the platform names in {@code --compat-identity-namespaces} may use it.
   *
   * @throws IdentityNotAllowedException naming the rule and how to allow the namespace
   */
  public AwsIdentity compat(
      String namespace, Optional<String> compatSecret, Supplier<AwsIdentity> compatKeys) {
    if (!config.defaultIdentityForNamespaced()
        && !NamespacePattern.anyMatches(compatIdentityNamespaces, namespace)) {
      throw new IdentityNotAllowedException(
          "rh-mobb's kinds name no AWS identity, so this resource would use the platform's ("
              + compatSecret
                  .map(n -> "the credentials Secret " + n + " of the operator's namespace")
                  .orElse("the operator's own identity")
              + "), and this operator lends it to no namespaced resource"
              + " (--no-default-identity-for-namespaced). To allow namespace "
              + namespace
              + ", a cluster administrator lists it in --compat-identity-namespaces (the chart's"
              + " compat.identityNamespaces); or use an EcrPullSecret with aws.credentialsSecret"
              + " or an allowed aws.roleArn");
    }
    return compatSecret.isPresent() ? compatKeys.get() : AwsIdentity.defaultChain();
  }

  /**
   * @param resourceNamespace the namespace of a namespaced resource; empty for a cluster-scoped one
   * @throws IdentityNotAllowedException if the resource may not use what it names
   * @throws AwsKeysSecretReader.UnusableKeysException if the named Secret is missing or incomplete
   */
  public AwsIdentity resolve(
      AwsIdentitySpec spec, Optional<String> resourceNamespace, ServiceAccounts accounts) {
    boolean namespaced = resourceNamespace.isPresent();
    if (spec != null && spec.getServiceAccount() != null) {
      if (!namespaced) {
        throw new IdentityNotAllowedException(
            "aws.serviceAccount is for an EcrPullSecret, in its own namespace");
      }
      return new ServiceAccountIdentity(client, this::roleAllowed)
          .resolve(spec, resourceNamespace.get(), accounts);
    }
    AwsIdentity identity;
    if (spec != null && spec.getCredentialsSecret() != null) {
      String secretNamespace = spec.getCredentialsSecret().getNamespace();
      if (namespaced
          && secretNamespace != null
          && !secretNamespace.equals(resourceNamespace.get())) {
        throw new IdentityNotAllowedException(
            "an EcrPullSecret may only use a credentials Secret in its own namespace "
                + resourceNamespace.get()
                + ", not in "
                + secretNamespace);
      }
      String ns = namespaced ? resourceNamespace.get() : secretNamespace;
      if (ns == null) {
        throw new IdentityNotAllowedException(
            "aws.credentialsSecret.namespace is required on a ClusterEcrPullSecret");
      }
      identity = new AwsIdentity(keys.read(ns, spec.getCredentialsSecret().getName()), List.of());
    } else {
      if (namespaced && !config.defaultIdentityForNamespaced()) {
        throw new IdentityNotAllowedException(
            "this operator lends its own AWS identity to no namespaced resource: name"
                + " aws.credentialsSecret, or an allowed aws.roleArn");
      }
      identity = AwsIdentity.defaultChain();
    }
    if (spec != null && spec.getRoleArn() != null) {
      if (namespaced && !roleAllowed(spec.getRoleArn(), resourceNamespace.get())) {
        throw new IdentityNotAllowedException(
            "role "
                + DisplayText.clean(spec.getRoleArn(), DisplayText.VALUE * 2)
                + " is not allowed for namespace "
                + resourceNamespace.get()
                + ": a cluster administrator must list it in the operator's --allowed-role-arns or"
                + " in the namespace annotation "
                + ALLOWED_ROLES_ANNOTATION);
      }
      Duration duration;
      try {
        duration =
            spec.getSessionDuration() == null
                ? AwsIdentity.RoleHop.DEFAULT_DURATION
                : DurationText.parse(spec.getSessionDuration());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("spec.aws.sessionDuration: " + e.getMessage());
      }
      identity =
          identity.thenAssume(
              new AwsIdentity.RoleHop(
                  spec.getRoleArn(),
                  Optional.ofNullable(spec.getExternalId()),
                  spec.getSessionName() == null
                      ? AwsIdentity.RoleHop.DEFAULT_SESSION_NAME
                      : spec.getSessionName(),
                  duration));
    } else if (spec != null) {
      AwsIdentity.RoleHop.requireRoleForExternalId(
          spec.getExternalId() != null, false, "aws.externalId", "aws.roleArn");
    }
    return identity;
  }

  boolean roleAllowed(String roleArn, String namespace) {
    if (allowedRoles.stream().anyMatch(g -> g.matches(roleArn))) {
      return true;
    }
    Namespace ns;
    try {
      ns = client.namespaces().withName(namespace).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // a namespace-list install cannot read Namespaces: the annotation cannot count there
      throw new IdentityNotAllowedException(
          "role "
              + DisplayText.clean(roleArn, DisplayText.VALUE * 2)
              + " is not in the operator's --allowed-role-arns, and this install may not read"
              + " Namespace objects, so the namespace annotation "
              + ALLOWED_ROLES_ANNOTATION
              + " cannot allow it: list the role in --allowed-role-arns (the chart's"
              + " allowedRoleArns)");
    }
    Map<String, String> annotations = ns == null ? null : ns.getMetadata().getAnnotations();
    String allowed = annotations == null ? null : annotations.get(ALLOWED_ROLES_ANNOTATION);
    return allowed != null
        && matchesAny(Arrays.stream(allowed.split(",")).map(String::trim).toList(), roleArn);
  }

  /**
   * Whether an ARN matches one of the globs: {@code *} stands for any run of characters within one
   * part of a path (it never crosses {@code /}, so {@code role/team-a-*} does not admit {@code
   * role/team-a-/platform-admin}); {@code **} crosses {@code /} (for roles with paths).
   */
  static boolean matchesAny(List<String> globs, String value) {
    return globs.stream().filter(g -> !g.isBlank()).anyMatch(g -> roleGlob(g).matches(value));
  }

  static Glob roleGlob(String text) {
    return Glob.of(text, "[^/]", false, true);
  }
}
