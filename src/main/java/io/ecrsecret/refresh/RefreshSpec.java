package io.ecrsecret.refresh;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RegistryRef;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One refresh: which registries, into which secret, in which namespaces, as whom.
 *
 * @param argoUrl the repository URL for the Argo CD format (default: the registry host)
 * @param serviceAccounts accounts whose {@code imagePullSecrets} get the secret
 * @param builderLink whether OpenShift's {@code builder} account may use it for builds
 * @param owner what keeps the secret: {@code cli} or a custom resource, recorded on it
 * @param refreshMargin refresh this long before the token expires; tokens shared with others are
 *     renewed when they would not last that long
 * @param jitter where in the jitter window of the refresh policy this refresh falls, in [0, 1)
 * @param owningResource a resource in the secret's namespace that owns it (garbage collection)
 */
public record RefreshSpec(
    List<RegistryRef> registries,
    String secretName,
    OutputFormat format,
    Optional<String> argoUrl,
    AwsIdentity identity,
    NamespaceSelection namespaces,
    boolean createNamespaces,
    List<String> serviceAccounts,
    BuilderLink builderLink,
    boolean adopt,
    boolean dryRun,
    List<String> restartDeployments,
    boolean healPullFailures,
    String owner,
    Duration refreshMargin,
    double jitter,
    Optional<OwnerReference> owningResource) {

  /** Whether to link the secret to OpenShift's {@code builder} service account for builds. */
  public enum BuilderLink {
    /** where a {@code builder} account exists (OpenShift) */
    AUTO,
    ALWAYS,
    NEVER
  }

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public RefreshSpec {
    registries = List.copyOf(registries);
    serviceAccounts = List.copyOf(serviceAccounts);
    restartDeployments = List.copyOf(restartDeployments);
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(argoUrl, "argoUrl");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(builderLink, "builderLink");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(refreshMargin, "refreshMargin");
    Objects.requireNonNull(owningResource, "owningResource");
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (registries.isEmpty()) {
      throw new IllegalArgumentException("no registry given: name at least one ECR registry");
    }
    for (RegistryRef registry : registries) {
      if (registry.isPublic()) {
        throw new IllegalArgumentException(
            "public.ecr.aws needs no pull secret: ECR Public images pull anonymously."
                + " Authenticated ECR Public pulls (higher rate limits) are not supported yet");
      }
    }
    if (registries.stream().map(RegistryRef::host).distinct().count() != registries.size()) {
      throw new IllegalArgumentException("a registry is named twice: " + registries);
    }
    if (format == OutputFormat.ARGOCD_HELM && registries.size() != 1) {
      throw new IllegalArgumentException(
          "the argocd-helm format holds one repository: name exactly one registry, got "
              + registries.size());
    }
    serviceAccounts.forEach(RefreshSpec::checkServiceAccountName);
    if (secretName == null
        || secretName.length() > 253
        || !DNS_SUBDOMAIN.matcher(secretName).matches()) {
      throw new IllegalArgumentException(
          "secret name '"
              + secretName
              + "' is not valid: lower-case letters, digits, '-' and '.', starting and ending with a"
              + " letter or digit, at most 253 characters");
    }
  }

  /**
   * @throws IllegalArgumentException if the name cannot be a service account's
   */
  public static void checkServiceAccountName(String account) {
    if (account == null || account.length() > 253 || !DNS_SUBDOMAIN.matcher(account).matches()) {
      throw new IllegalArgumentException(
          "service account name '"
              + io.ecrsecret.core.DisplayText.clean(account, io.ecrsecret.core.DisplayText.VALUE)
              + "' is not valid: lower-case letters, digits, '-' and '.', starting and ending"
              + " with a letter or digit");
    }
  }
}
