package io.ecrsecret.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Keeps an ECR pull secret valid in this resource's namespace. Its AWS identity may only use a
 * Secret in the same namespace, and roles only where the operator or the namespace allows them.
 */
@Group(EcrPullSecret.GROUP)
@Version(EcrPullSecret.VERSION)
@ShortNames("eps")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Secret",
    jsonPath = ".spec.secretName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Expires",
    jsonPath = ".status.tokenExpiresAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class EcrPullSecret extends CustomResource<EcrPullSecret.Spec, PullSecretStatus>
    implements Namespaced {

  public static final String GROUP = "ecr-secret-operator.io";
  public static final String VERSION = "v1alpha1";

  /** The namespaced spec: a credentials Secret can only be in the resource's own namespace. */
  public static class Spec extends PullSecretSpec {
    @Override
    @ValidationRule(
        value = "!has(self.credentialsSecret) || !has(self.credentialsSecret.__namespace__)",
        message =
            "an EcrPullSecret can only use a credentials Secret in its own namespace: omit"
                + " aws.credentialsSecret.namespace (a ClusterEcrPullSecret may name one)")
    public AwsIdentitySpec getAws() {
      return super.getAws();
    }
  }
}
