package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.operator.api.PullSecretSpec;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the spec both of our kinds share as a refresh; what it cannot read is a SpecException. */
final class SpecMapping {

  private SpecMapping() {}

  static RefreshSpec.Builder refresh(
      PullSecretSpec spec, NamespaceSelection namespaces, AwsIdentity identity, String owner) {
    List<RegistryRef> registries =
        SpecException.reading(
            "spec.registries",
            () -> spec.getRegistries().stream().map(RegistryRef::parse).toList());
    return RefreshSpec.builder(registries, identity, namespaces, owner)
        .secretName(spec.getSecretName())
        .format(format(spec.getFormat()))
        .argoUrl(Optional.ofNullable(spec.getArgocdUrl()))
        .serviceAccounts(serviceAccounts(spec))
        .builderLink(builderLink(spec))
        .adoption(Boolean.TRUE.equals(spec.getAdopt()) ? Adoption.ADOPT : Adoption.NEVER)
        .healing(
            Boolean.TRUE.equals(spec.getHealPullFailures())
                ? RefreshSpec.Healing.AFTER_A_WRITE
                : RefreshSpec.Healing.NEVER)
        .refreshMargin(
            SpecException.reading("spec.refreshMargin", () -> margin(spec.getRefreshMargin())));
  }

  private static OutputFormat format(PullSecretSpec.Format format) {
    return switch (format == null ? PullSecretSpec.Format.DOCKERCONFIGJSON : format) {
      case DOCKERCONFIGJSON -> OutputFormat.DOCKERCONFIGJSON;
      case ARGOCD_HELM -> OutputFormat.ARGOCD_HELM;
      case ARGOCD_HELM_CREDS -> OutputFormat.ARGOCD_HELM_CREDS;
    };
  }

  /** The image whose pull is proven, where the spec asks. */
  static Optional<io.ecrsecret.core.ImageReference> verifyImage(PullSecretSpec spec) {
    if (spec.getVerify() == null || spec.getVerify().getImage() == null) {
      return Optional.empty();
    }
    return Optional.of(
        SpecException.reading(
            "spec.verify.image",
            () -> io.ecrsecret.core.ImageReference.parse(spec.getVerify().getImage())));
  }

  /** The secret name, links and deletion policy of either of our kinds. */
  static DesiredState.Footprint footprint(PullSecretSpec spec) {
    return new DesiredState.Footprint(
        spec.getSecretName(), linkedAccounts(spec), deletionPolicy(spec));
  }

  private static DeletionPolicy deletionPolicy(PullSecretSpec spec) {
    return spec.getDeletionPolicy() == null ? DeletionPolicy.DELETE : spec.getDeletionPolicy();
  }

  /** An owner reference to a namespaced resource, for the secrets it creates in its namespace. */
  static OwnerReference ownerReference(HasMetadata resource) {
    return new OwnerReferenceBuilder()
        .withApiVersion(resource.getApiVersion())
        .withKind(resource.getKind())
        .withName(resource.getMetadata().getName())
        .withUid(resource.getMetadata().getUid())
        .withBlockOwnerDeletion(false)
        .withController(false)
        .build();
  }

  /** The accounts a resource links: those it names, and OpenShift's builder unless told not to. */
  private static List<String> linkedAccounts(PullSecretSpec spec) {
    return RefreshSpec.linkedAccounts(serviceAccounts(spec), builderLink(spec));
  }

  private static RefreshSpec.BuilderLink builderLink(PullSecretSpec spec) {
    return RefreshSpec.BuilderLink.valueOf(spec.getBuilderLink().name());
  }

  static List<String> serviceAccounts(PullSecretSpec spec) {
    return spec.getServiceAccounts() == null
        ? List.of(RefreshSpec.DEFAULT_SERVICE_ACCOUNT)
        : spec.getServiceAccounts();
  }

  static Duration margin(String text) {
    return text == null ? RefreshPolicy.DEFAULT.margin() : DurationText.parse(text);
  }

  /** A label selector in the string form the API server's list calls take. */
  static Optional<String> selectorString(LabelSelector selector) {
    if (selector == null) {
      return Optional.empty();
    }
    var parts = new ArrayList<String>();
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e :
          new java.util.TreeMap<>(selector.getMatchLabels()).entrySet()) {
        parts.add(e.getKey() + "=" + e.getValue());
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String values = r.getValues() == null ? "" : String.join(",", r.getValues());
        parts.add(
            switch (r.getOperator()) {
              case "In" -> r.getKey() + " in (" + values + ")";
              case "NotIn" -> r.getKey() + " notin (" + values + ")";
              case "Exists" -> r.getKey();
              case "DoesNotExist" -> "!" + r.getKey();
              default ->
                  throw new IllegalArgumentException(
                      "label selector operator '"
                          + r.getOperator()
                          + "' is not In, NotIn, Exists or DoesNotExist");
            });
      }
    }
    // an empty selector matches every namespace, as in Kubernetes
    return Optional.of(String.join(",", parts));
  }
}
