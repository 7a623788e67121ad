package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A pull secret fanned out to many namespaces. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterPullSecretSpec extends PullSecretSpec {

  @Required
  @ValidationRule(
      value = "has(self.names) || has(self.selector)",
      message = "choose namespaces by names (or globs) or a selector")
  @JsonPropertyDescription(
      "The namespaces to write into: those named or matching a glob, and those matching the"
          + " selector, less the excluded ones. New namespaces get the secret within seconds.")
  private NamespaceSelectorSpec namespaces;

  @Override
  @ValidationRule(
      value = "!has(self.serviceAccount)",
      message =
          "a ClusterEcrPullSecret has no namespace of its own to name a service account in: use"
              + " aws.roleArn or aws.credentialsSecret (or an EcrPullSecret with"
              + " aws.serviceAccount)")
  public AwsIdentitySpec getAws() {
    return super.getAws();
  }

  public NamespaceSelectorSpec getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(NamespaceSelectorSpec namespaces) {
    this.namespaces = namespaces;
  }
}
