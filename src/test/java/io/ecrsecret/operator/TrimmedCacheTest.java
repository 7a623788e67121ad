package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.kube.TrimmedObjects;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrimmedCacheTest {

  @Test
  void aCachedSecretKeepsWhatDecidesAndNoData() {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("pull")
            .withNamespace("team-a")
            .withUid("u-1")
            .withResourceVersion("42")
            .withLabels(Map.of("app.kubernetes.io/managed-by", "ecr-secret-operator"))
            .withAnnotations(Map.of("ecr-secret-operator.io/owner", "EcrPullSecret/team-a/app"))
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", "e30="))
            .build();

    var store = TrimmedCache.secrets();
    store.put(store.getKey(secret), secret);
    Secret cached = store.get("team-a/pull");

    assertThat(cached.getMetadata().getName()).isEqualTo("pull");
    assertThat(cached.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(cached.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getLabels()).isEqualTo(secret.getMetadata().getLabels());
    assertThat(cached.getMetadata().getAnnotations())
        .containsAllEntriesOf(secret.getMetadata().getAnnotations())
        .containsEntry(TrimmedObjects.OBSERVED_DIGEST, TrimmedObjects.digest(secret.getData()))
        .containsEntry(TrimmedObjects.OBSERVED_HOSTS, "");
    assertThat(cached.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(cached.getData()).containsOnlyKeys(".dockerconfigjson").containsValue("");
    assertThat(TrimmedObjects.secret(cached)).as("trimming twice changes nothing").isSameAs(cached);
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(secret.getData()).as("the informer's own object is left alone").isNotEmpty();
  }

  @Test
  void aCachedServiceAccountKeepsItsLinks() {
    ServiceAccount sa =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName("default")
            .withNamespace("team-a")
            .withResourceVersion("7")
            .endMetadata()
            .addNewImagePullSecret("pull")
            .addNewSecret()
            .withName("token")
            .endSecret()
            .build();

    var store = TrimmedCache.serviceAccounts();
    store.put(store.getKey(sa), sa);
    ServiceAccount cached = store.get("team-a/default");

    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getImagePullSecrets()).extracting("name").containsExactly("pull");
    assertThat(cached.getSecrets()).extracting("name").containsExactly("token");
  }
}
