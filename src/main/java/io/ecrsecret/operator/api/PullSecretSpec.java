package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What both pull-secret kinds declare: registries, the secret, links, timing, identity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// a field a newer CRD has and this version does not know is ignored, not fatal: an operator
// rolled back after its CRDs were upgraded keeps serving
@JsonIgnoreProperties(ignoreUnknown = true)
public class PullSecretSpec {

  /** The kind of secret written. */
  public enum Format {
    @JsonProperty("dockerconfigjson")
    DOCKERCONFIGJSON,
    @JsonProperty("argocd-helm")
    ARGOCD_HELM,
    @JsonProperty("argocd-helm-creds")
    ARGOCD_HELM_CREDS
  }

  /** What deleting the resource does to the secrets it keeps. */
  public enum DeletionPolicy {
    /** they are deleted (an adopted one is given back as it was) */
    @JsonProperty("Delete")
    DELETE,
    /** they stay, with their links, and are no longer managed */
    @JsonProperty("Retain")
    RETAIN
  }

  /** Whether OpenShift's builder service account may use the secret for builds. */
  public enum BuilderLink {
    @JsonProperty("auto")
    AUTO,
    @JsonProperty("always")
    ALWAYS,
    @JsonProperty("never")
    NEVER
  }

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "ECR registries the secret gives access to: ACCOUNT.dkr.ecr.REGION.amazonaws.com (also"
          + " ecr-fips and amazonaws.com.cn), its dual-stack (IPv6) name"
          + " ACCOUNT.dkr-ecr.REGION.on.aws (also dkr-ecr-fips), ACCOUNT:REGION, or public.ecr.aws"
          + " (ECR Public, authenticated: higher pull rate limits; needs"
          + " ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken). One token per"
          + " region serves every account in it, under each name given; ECR Public has its own.")
  private List<@Pattern(Validation.REGISTRY) @Size(max = 80) String> registries;

  @Default(RefreshSpec.DEFAULT_SECRET_NAME)
  @Size(max = 253)
  @Pattern(Validation.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Name of the generated secret. Default: " + RefreshSpec.DEFAULT_SECRET_NAME + ".")
  private String secretName = RefreshSpec.DEFAULT_SECRET_NAME;

  @Default("dockerconfigjson")
  @JsonPropertyDescription(
      "dockerconfigjson: an image-pull secret. argocd-helm: an Argo CD repository secret for Helm"
          + " charts in ECR (one registry). argocd-helm-creds: an Argo CD credential template"
          + " (repo-creds), used for every chart repository whose URL starts with argocdUrl.")
  private Format format = Format.DOCKERCONFIGJSON;

  @Size(max = 2048)
  @JsonPropertyDescription(
      "Repository URL (argocd-helm) or URL prefix (argocd-helm-creds), e.g."
          + " 123456789012.dkr.ecr.us-east-1.amazonaws.com/charts. Default: the registry host.")
  private String argocdUrl;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Service accounts whose imagePullSecrets get the secret (links others made are kept)."
          + " [\"*\"]: every service account of the namespace, new ones included. An account"
          + " that does not exist yet is linked when it appears (condition"
          + " ServiceAccountsLinked). Default: [default]. Empty: none.")
  private List<@Pattern(Validation.SERVICE_ACCOUNT) @Size(max = 253) String> serviceAccounts;

  @Default("auto")
  @JsonPropertyDescription(
      "Also let OpenShift's builder account use the secret for builds and pushes (oc secrets link"
          + " builder --for=pull,mount). auto: where that account exists.")
  private BuilderLink builderLink = BuilderLink.AUTO;

  @Default(RefreshPolicy.DEFAULT_MARGIN_TEXT)
  @Pattern(Validation.DURATION)
  @ValidationRule(
      value = "duration(self) >= duration('1m') && duration(self) <= duration('11h')",
      message = "refreshMargin must be between 1m and 11h (ECR tokens last 12h), e.g. 3h")
  @JsonPropertyDescription(
      "Refresh this long before the token expires (timed from the token's own expiry, with"
          + " jitter). Default: 3h.")
  private String refreshMargin = RefreshPolicy.DEFAULT_MARGIN_TEXT;

  @JsonPropertyDescription(
      "Take over an existing secret of that name that nothing manages; its entries for other"
          + " registries are kept, and stay when this resource is deleted.")
  private Boolean adopt;

  @JsonPropertyDescription("Whom to be in AWS. Default: the operator's own identity.")
  private AwsIdentitySpec aws;

  @Default("Delete")
  @JsonPropertyDescription(
      "What deleting this resource does to its secrets. Delete: they are deleted (an adopted"
          + " one is given back as it was). Retain: they stay, with their service-account links,"
          + " no longer managed. Default: Delete.")
  private DeletionPolicy deletionPolicy = DeletionPolicy.DELETE;

  @JsonPropertyDescription(
      "After the secret or a link is written, delete the pods in the namespace stuck in"
          + " ErrImagePull or ImagePullBackOff on an image of these registries, where a"
          + " controller (a ReplicaSet, a Job...) makes them again: they then pull with the"
          + " secret. Bare pods are left alone. Default: false.")
  private Boolean healPullFailures;

  @JsonPropertyDescription(
      "Prove a pull after each refresh: the manifest of this image is fetched with the secret"
          + " (one request to the registry per refresh, no AWS call) and the answer reported in"
          + " the PullVerified condition (a token of the wrong account, an identity without"
          + " ecr:BatchGetImage on the repository, a missing image). Default: none.")
  private VerifySpec verify;

  public VerifySpec getVerify() {
    return verify;
  }

  public void setVerify(VerifySpec verify) {
    this.verify = verify;
  }

  public List<String> getRegistries() {
    return registries;
  }

  public void setRegistries(List<String> registries) {
    this.registries = registries;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public Format getFormat() {
    return format;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public String getArgocdUrl() {
    return argocdUrl;
  }

  public void setArgocdUrl(String argocdUrl) {
    this.argocdUrl = argocdUrl;
  }

  public List<String> getServiceAccounts() {
    return serviceAccounts;
  }

  public void setServiceAccounts(List<String> serviceAccounts) {
    this.serviceAccounts = serviceAccounts;
  }

  public BuilderLink getBuilderLink() {
    return builderLink;
  }

  public void setBuilderLink(BuilderLink builderLink) {
    this.builderLink = builderLink;
  }

  public String getRefreshMargin() {
    return refreshMargin;
  }

  public void setRefreshMargin(String refreshMargin) {
    this.refreshMargin = refreshMargin;
  }

  public Boolean getAdopt() {
    return adopt;
  }

  public void setAdopt(Boolean adopt) {
    this.adopt = adopt;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public Boolean getHealPullFailures() {
    return healPullFailures;
  }

  public void setHealPullFailures(Boolean healPullFailures) {
    this.healPullFailures = healPullFailures;
  }

  public AwsIdentitySpec getAws() {
    return aws;
  }

  public void setAws(AwsIdentitySpec aws) {
    this.aws = aws;
  }
}
