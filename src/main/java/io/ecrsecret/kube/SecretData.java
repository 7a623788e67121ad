package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** A Secret's data items, decoded from the Base64 the API carries them in. */
public final class SecretData {

  private SecretData() {}

  /** The item, decoded; empty when the secret has no such key. */
  public static Optional<String> decoded(Secret secret, String key) {
    return Optional.ofNullable(secret.getData())
        .map(d -> d.get(key))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
  }
}
