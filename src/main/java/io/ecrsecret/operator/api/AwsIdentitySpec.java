package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.ecrsecret.aws.AwsIdentity;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Whom to be in AWS. Empty: the operator's own identity (IRSA, Pod Identity, instance role). */
@JsonInclude(JsonInclude.Include.NON_NULL)
// a field a newer CRD has and this version does not know is ignored, not fatal: an operator
// rolled back after its CRDs were upgraded keeps serving
@JsonIgnoreProperties(ignoreUnknown = true)
public class AwsIdentitySpec {

  @JsonPropertyDescription("Static AWS keys from a Secret instead of the operator's own identity.")
  private SecretReference credentialsSecret;

  @Pattern(Validation.DNS_SUBDOMAIN)
  @Size(max = 253)
  @JsonPropertyDescription(
      "A service account of this resource's namespace whose token is exchanged for the role"
          + " (sts:AssumeRoleWithWebIdentity), as IRSA does for a pod: roleArn, or the account's"
          + " eks.amazonaws.com/role-arn annotation; the audience sts.amazonaws.com, or the"
          + " account's eks.amazonaws.com/audience. The role's trust policy names that account"
          + " (iam-policy --for-service-account prints it), not the operator's. EcrPullSecret"
          + " only.")
  private String serviceAccount;

  @Pattern(Validation.ROLE_ARN)
  @JsonPropertyDescription(
      "An IAM role to assume (e.g. in the registry's account). Namespaced resources may name"
          + " only roles the operator's allow-list or their namespace's"
          + " ecr-secret-operator.io/allowed-role-arns annotation permits.")
  private String roleArn;

  @Size(min = 2, max = 1224)
  @JsonPropertyDescription("External ID the role's trust policy demands, if any.")
  private String externalId;

  @Pattern(Validation.SESSION_NAME)
  @JsonPropertyDescription(
      "Role session name, as CloudTrail shows it. Default: "
          + AwsIdentity.RoleHop.DEFAULT_SESSION_NAME
          + ".")
  private String sessionName;

  @Pattern(Validation.DURATION)
  @JsonPropertyDescription(
      "Role session duration, 15m to 12h, e.g. 1h. Default: "
          + AwsIdentity.RoleHop.DEFAULT_DURATION_TEXT
          + ".")
  private String sessionDuration;

  public SecretReference getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(SecretReference credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getExternalId() {
    return externalId;
  }

  public void setExternalId(String externalId) {
    this.externalId = externalId;
  }

  public String getSessionName() {
    return sessionName;
  }

  public void setSessionName(String sessionName) {
    this.sessionName = sessionName;
  }

  public String getSessionDuration() {
    return sessionDuration;
  }

  public void setSessionDuration(String sessionDuration) {
    this.sessionDuration = sessionDuration;
  }
}
