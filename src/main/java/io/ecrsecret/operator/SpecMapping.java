package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.operator.api.PullSecretSpec;
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

/** Maps a resource's spec to a refresh. */
final class SpecMapping {

  private SpecMapping() {}

  static RefreshSpec refreshSpec(
      PullSecretSpec spec,
      NamespaceSelection namespaces,
      AwsIdentity identity,
      String owner,
      double jitter,
      Optional<OwnerReference> owningResource) {
    return new RefreshSpec(
        spec.getRegistries().stream().map(RegistryRef::parse).toList(),
        spec.getSecretName(),
        spec.getFormat() == PullSecretSpec.Format.ARGOCD_HELM
            ? OutputFormat.ARGOCD_HELM
            : OutputFormat.DOCKERCONFIGJSON,
        Optional.ofNullable(spec.getArgocdUrl()),
        identity,
        namespaces,
        false,
        serviceAccounts(spec),
        RefreshSpec.BuilderLink.valueOf(spec.getBuilderLink().name()),
        Boolean.TRUE.equals(spec.getAdopt()),
        false,
        List.of(),
        false,
        owner,
        margin(spec.getRefreshMargin()),
        jitter,
        owningResource);
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
  static List<String> linkedAccounts(PullSecretSpec spec) {
    var accounts = new ArrayList<>(serviceAccounts(spec));
    if (spec.getBuilderLink() != PullSecretSpec.BuilderLink.NEVER
        && !accounts.contains(ServiceAccountLinker.BUILDER)) {
      accounts.add(ServiceAccountLinker.BUILDER);
    }
    return List.copyOf(accounts);
  }

  static List<String> serviceAccounts(PullSecretSpec spec) {
    return spec.getServiceAccounts() == null ? List.of("default") : spec.getServiceAccounts();
  }

  static Duration margin(String text) {
    return text == null ? Duration.ofHours(3) : DurationText.parse(text);
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
