package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Gets ECR tokens from AWS with the SDK v2: one client per (identity, region), kept for reuse;
 * roles assumed through STS in turn, their sessions renewed by the SDK before they expire.
 */
public final class AwsEcrTokenSource implements EcrTokenSource, AutoCloseable {

  private final AwsClientSettings settings;
  private final Map<String, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();
  private final Map<String, EcrClient> clients = new ConcurrentHashMap<>();
  private final LongAdder tokenRequests = new LongAdder();

  public AwsEcrTokenSource(AwsClientSettings settings) {
    this.settings = settings;
  }

  @Override
  public RegistryCredentials token(
      AwsIdentity identity, String region, java.time.Duration validFor) {
    try {
      tokenRequests.increment();
      EcrClient client = clients.computeIfAbsent(key(identity, region), k -> ecr(identity, region));
      AuthorizationData data = client.getAuthorizationToken().authorizationData().get(0);
      return RegistryCredentials.fromAuthorizationToken(
          data.authorizationToken(), data.expiresAt());
    } catch (RuntimeException e) {
      throw AwsFailures.explain(e, identity, region, "ecr:GetAuthorizationToken");
    }
  }

  /** Token requests sent to AWS so far (each may have been retried by the SDK). */
  public long tokenRequests() {
    return tokenRequests.sum();
  }

  private EcrClient ecr(AwsIdentity identity, String region) {
    return EcrClient.builder()
        .region(Region.of(region))
        .credentialsProvider(provider(identity, region))
        .overrideConfiguration(overrides())
        .build();
  }

  private ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(b -> b.maxAttempts(settings.maxAttempts()))
        .apiCallAttemptTimeout(settings.attemptTimeout())
        .apiCallTimeout(settings.callTimeout())
        .build();
  }

  /** The credentials of an identity: its base, then each role assumed with the previous one. */
  private AwsCredentialsProvider provider(AwsIdentity identity, String region) {
    return credentials.computeIfAbsent(
        key(identity, region),
        k -> {
          AwsCredentialsProvider current = base(identity.base());
          for (AwsIdentity.RoleHop role : identity.roles()) {
            StsClient sts =
                StsClient.builder()
                    .region(Region.of(region))
                    .credentialsProvider(current)
                    .overrideConfiguration(overrides())
                    .build();
            current =
                StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(
                        r -> {
                          r.roleArn(role.roleArn())
                              .roleSessionName(role.sessionName())
                              .durationSeconds((int) role.duration().toSeconds());
                          role.externalId().ifPresent(r::externalId);
                        })
                    .asyncCredentialUpdateEnabled(false)
                    .build();
          }
          return current;
        });
  }

  private static AwsCredentialsProvider base(AwsIdentity.Base base) {
    if (base instanceof AwsIdentity.StaticKeys keys) {
      return StaticCredentialsProvider.create(
          keys.sessionToken().isPresent()
              ? AwsSessionCredentials.create(
                  keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken().get())
              : AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static String key(AwsIdentity identity, String region) {
    return identity.cacheKey() + "@" + region;
  }

  @Override
  public void close() {
    clients.values().forEach(EcrClient::close);
    credentials.values().stream()
        .filter(SdkAutoCloseable.class::isInstance)
        .map(SdkAutoCloseable.class::cast)
        .forEach(SdkAutoCloseable::close);
  }
}
