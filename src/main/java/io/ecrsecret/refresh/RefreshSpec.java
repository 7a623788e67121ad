package io.ecrsecret.refresh;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One refresh: which registries, into which secret, in which namespaces, as whom. Made with {@link
 * #builder}, which holds every default.
 *
 * @param argoUrl the repository URL for the Argo CD formats (default: the registry host)
 * @param serviceAccounts accounts whose {@code imagePullSecrets} get the secret; {@value
 *     #ALL_SERVICE_ACCOUNTS} stands for every account of the namespace
 * @param builderLink whether OpenShift's {@code builder} account may use it for builds
 * @param adoption what to do with a secret of that name that nothing manages
 * @param healing when to delete pods stuck pulling from these registries
 * @param owner what keeps the secret: {@code cli} or a custom resource, recorded on it
 * @param refreshMargin refresh this long before the token expires; tokens shared with others are
 *     renewed when they would not last that long
 * @param jitter where in the jitter window of the refresh policy this refresh falls, in [0, 1)
 * @param owningResource a resource in the secret's namespace that owns it (garbage collection)
 * @param leaveFreshSecrets leave a secret that is fresh by its own markers, without a token
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
    Adoption adoption,
    boolean dryRun,
    List<String> restartDeployments,
    Healing healing,
    String owner,
    Duration refreshMargin,
    double jitter,
    Optional<OwnerReference> owningResource,
    boolean leaveFreshSecrets) {

  public static final String DEFAULT_SECRET_NAME = "ecr-pull-secret";
  public static final String DEFAULT_SERVICE_ACCOUNT = "default";
  public static final String DEFAULT_FORMAT = "dockerconfigjson";
  public static final String DEFAULT_BUILDER_LINK = "auto";

  /** In {@code serviceAccounts}: every service account of the namespace, new ones included. */
  public static final String ALL_SERVICE_ACCOUNTS = "*";

  /** Whether to link the secret to OpenShift's {@code builder} service account for builds. */
  public enum BuilderLink {
    /** where a {@code builder} account exists (OpenShift) */
    AUTO,
    ALWAYS,
    NEVER
  }

  /**
   * The accounts a refresh links: those named, and OpenShift's builder unless told never to (where
   * it exists, for {@code AUTO}). The only links a refresh makes, and so the only ones its owner
   * removes.
   */
  public static List<String> linkedAccounts(List<String> named, BuilderLink builderLink) {
    var accounts = new java.util.ArrayList<>(named);
    if (builderLink != BuilderLink.NEVER && !accounts.contains(BUILDER)) {
      accounts.add(BUILDER);
    }
    return List.copyOf(accounts);
  }

  /** OpenShift's account for builds. */
  public static final String BUILDER = io.ecrsecret.kube.ServiceAccountLinker.BUILDER;

  /** When to delete the pods stuck pulling from these registries that a controller recreates. */
  public enum Healing {
    NEVER,
    /** on every refresh (a one-shot run) */
    EVERY_REFRESH,
    /** only where this refresh wrote the secret or a link (the operator, reconciling often) */
    AFTER_A_WRITE
  }

  /** A refresh of these registries, as this identity, in these namespaces, kept by this owner. */
  public static Builder builder(
      List<RegistryRef> registries,
      AwsIdentity identity,
      NamespaceSelection namespaces,
      String owner) {
    return new Builder(registries, identity, namespaces, owner);
  }

  /** The optional parts of a refresh, each with its default. */
  public static final class Builder {
    private final List<RegistryRef> registries;
    private final AwsIdentity identity;
    private final NamespaceSelection namespaces;
    private final String owner;
    private String secretName = DEFAULT_SECRET_NAME;
    private OutputFormat format = OutputFormat.parse(DEFAULT_FORMAT);
    private Optional<String> argoUrl = Optional.empty();
    private boolean createNamespaces;
    private List<String> serviceAccounts = List.of(DEFAULT_SERVICE_ACCOUNT);
    private BuilderLink builderLink =
        BuilderLink.valueOf(DEFAULT_BUILDER_LINK.toUpperCase(java.util.Locale.ROOT));
    private Adoption adoption = Adoption.NEVER;
    private boolean dryRun;
    private List<String> restartDeployments = List.of();
    private Healing healing = Healing.NEVER;
    private Duration refreshMargin = RefreshPolicy.DEFAULT.margin();
    private double jitter;
    private Optional<OwnerReference> owningResource = Optional.empty();
    private boolean leaveFreshSecrets;

    private Builder(
        List<RegistryRef> registries,
        AwsIdentity identity,
        NamespaceSelection namespaces,
        String owner) {
      this.registries = registries;
      this.identity = identity;
      this.namespaces = namespaces;
      this.owner = owner;
    }

    public Builder secretName(String secretName) {
      this.secretName = secretName;
      return this;
    }

    public Builder format(OutputFormat format) {
      this.format = format;
      return this;
    }

    public Builder argoUrl(Optional<String> argoUrl) {
      this.argoUrl = argoUrl;
      return this;
    }

    public Builder createNamespaces(boolean createNamespaces) {
      this.createNamespaces = createNamespaces;
      return this;
    }

    public Builder serviceAccounts(List<String> serviceAccounts) {
      this.serviceAccounts = serviceAccounts;
      return this;
    }

    public Builder builderLink(BuilderLink builderLink) {
      this.builderLink = builderLink;
      return this;
    }

    public Builder adoption(Adoption adoption) {
      this.adoption = adoption;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder restartDeployments(List<String> restartDeployments) {
      this.restartDeployments = restartDeployments;
      return this;
    }

    public Builder healing(Healing healing) {
      this.healing = healing;
      return this;
    }

    public Builder refreshMargin(Duration refreshMargin) {
      this.refreshMargin = refreshMargin;
      return this;
    }

    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    public Builder owningResource(Optional<OwnerReference> owningResource) {
      this.owningResource = owningResource;
      return this;
    }

    /**
     * Leave every secret that {@link io.ecrsecret.core.SecretFreshness} finds fresh, without a
     * token: what the operator does unless the resource changed since it last served it.
     */
    public Builder leaveFreshSecrets(boolean leaveFreshSecrets) {
      this.leaveFreshSecrets = leaveFreshSecrets;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the refresh cannot be done as asked
     */
    public RefreshSpec build() {
      return new RefreshSpec(
          registries,
          secretName,
          format,
          argoUrl,
          identity,
          namespaces,
          createNamespaces,
          serviceAccounts,
          builderLink,
          adoption,
          dryRun,
          restartDeployments,
          healing,
          owner,
          refreshMargin,
          jitter,
          owningResource,
          leaveFreshSecrets);
    }
  }

  /** Whether every service account of a namespace is linked. */
  public boolean linksEveryServiceAccount() {
    return serviceAccounts.contains(ALL_SERVICE_ACCOUNTS);
  }

  private static final Pattern DNS_SUBDOMAIN = io.ecrsecret.core.Syntax.DNS_SUBDOMAIN_PATTERN;

  public RefreshSpec {
    registries = List.copyOf(registries);
    serviceAccounts = List.copyOf(serviceAccounts);
    restartDeployments = List.copyOf(restartDeployments);
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(argoUrl, "argoUrl");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(builderLink, "builderLink");
    Objects.requireNonNull(adoption, "adoption");
    Objects.requireNonNull(healing, "healing");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(refreshMargin, "refreshMargin");
    Objects.requireNonNull(owningResource, "owningResource");
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (registries.isEmpty()) {
      throw new IllegalArgumentException("no registry given: name at least one ECR registry");
    }
    if (registries.stream().map(RegistryRef::host).distinct().count() != registries.size()) {
      throw new IllegalArgumentException("a registry is named twice: " + registries);
    }
    if (format.isArgoCd() && registries.size() != 1) {
      throw new IllegalArgumentException(
          "the "
              + format.label()
              + " format holds one repository: name exactly one registry, got "
              + registries.size());
    }
    serviceAccounts.stream()
        .filter(a -> !a.equals(ALL_SERVICE_ACCOUNTS))
        .forEach(RefreshSpec::checkServiceAccountName);
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
