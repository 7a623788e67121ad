package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.TokenScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Gets ECR tokens from AWS with the SDK v2 (and ECR Public's through {@link EcrPublicTokens}): one
 * client per (identity, region), reused while it is in use; roles assumed through STS in turn, once
 * per identity for all its regions (a role's session is valid in every region of its partition;
 * only the token is per region), the session reused until it nears its expiry and renewed by the
 * SDK then.
 *
 * <p>Whatever tenants create, what this holds is bounded: at most {@link #MAX_CLIENTS} clients, the
 * least recently used closed first, and none kept once unused for {@link #IDLE}; a client whose
 * identity never got a token is closed when its call fails (made-up or rotated keys leave nothing
 * behind). All clients share one HTTP client and one small scheduler, so a client costs no threads
 * of its own.
 */
public final class AwsEcrTokenSource implements EcrTokenSource, AutoCloseable {

  /** Clients kept at most, over all identities and regions. */
  public static final int MAX_CLIENTS = 64;

  /** A client unused this long is closed. */
  public static final Duration IDLE = Duration.ofHours(13);

  private final AwsClientSettings settings;
  private final Clock clock;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final EcrPublicTokens ecrPublic;
  private final ScheduledExecutorService scheduler = scheduler();
  private final LongAdder tokenRequests = new LongAdder();

  /** Access order: the first entry is the least recently used. Guarded by itself. */
  private final LinkedHashMap<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * An identity's credentials in one partition: its base and the roles it assumes in turn, shared
   * by its clients of every region there, closed with the last of them.
   */
  private static final class Credentials {
    private final AwsCredentialsProvider provider;
    private final List<SdkAutoCloseable> parts;
    private int users;

    /** Whether a token was had with these: then a later failure is not theirs to pay for. */
    private volatile boolean proven;

    Credentials(AwsCredentialsProvider provider, List<SdkAutoCloseable> parts) {
      this.provider = provider;
      this.parts = parts;
    }

    void close() {
      parts.forEach(SdkAutoCloseable::close);
    }
  }

  /**
   * An ECR client of one region, on its identity's credentials; for ECR Public only the credentials
   * (its call is signed by {@link EcrPublicTokens}).
   */
  private static final class Client {
    private final EcrClient ecr; // null for ECR Public
    private final String credentialsKey;
    private final Credentials credentials;
    private Instant lastUsed;

    Client(EcrClient ecr, String credentialsKey, Credentials credentials, Instant lastUsed) {
      this.ecr = ecr;
      this.credentialsKey = credentialsKey;
      this.credentials = credentials;
      this.lastUsed = lastUsed;
    }

    EcrClient ecr() {
      return ecr;
    }
  }

  /** Each identity's credentials per partition, by key; guarded by {@link #clients}. */
  private final java.util.HashMap<String, Credentials> credentials = new java.util.HashMap<>();

  public AwsEcrTokenSource(AwsClientSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public AwsEcrTokenSource(AwsClientSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.ecrPublic = new EcrPublicTokens(http, settings);
  }

  @Override
  public RegistryCredentials token(AwsIdentity identity, TokenScope scope, Duration validFor) {
    String key = identity.cacheKey() + "@" + scope.key();
    Client client = client(key, identity, scope);
    try {
      tokenRequests.increment();
      RegistryCredentials token;
      if (scope.ecrPublic()) {
        token = ecrPublic.token(client.credentials.provider);
      } else {
        AuthorizationData data = client.ecr().getAuthorizationToken().authorizationData().get(0);
        token =
            RegistryCredentials.fromAuthorizationToken(data.authorizationToken(), data.expiresAt());
      }
      client.credentials.proven = true;
      return token;
    } catch (RuntimeException e) {
      // an identity that never got a token is not kept: the next call builds a fresh client (a
      // few objects, no request), and made-up keys cannot pile up clients. One that did keeps
      // its credentials (an assumed role's session stays valid whatever ECR answered now), so a
      // retry does not assume the role again
      if (!client.credentials.proven) {
        discard(key, client);
      }
      throw AwsFailures.explain(e, identity, scope.region(), scope.action());
    }
  }

  /** Token requests sent to AWS so far (each may have been retried by the SDK). */
  public long tokenRequests() {
    return tokenRequests.sum();
  }

  /** How many clients are kept now. */
  public int clients() {
    synchronized (clients) {
      return clients.size();
    }
  }

  private Client client(String key, AwsIdentity identity, TokenScope scope) {
    String region = scope.region();
    var closing = new ArrayList<SdkAutoCloseable>();
    Client client;
    synchronized (clients) {
      Instant now = clock.instant();
      for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
        Client c = it.next();
        if (c.lastUsed.plus(IDLE).isBefore(now)) {
          it.remove();
          release(c, closing);
        }
      }
      client = clients.get(key);
      if (client == null) {
        String credentialsKey = identity.cacheKey() + "@" + partition(region);
        Credentials shared =
            credentials.computeIfAbsent(credentialsKey, k -> credentials(identity, region));
        shared.users++;
        client =
            new Client(
                scope.ecrPublic() ? null : ecr(region, shared.provider),
                credentialsKey,
                shared,
                now);
        clients.put(key, client);
        while (clients.size() > MAX_CLIENTS) {
          var eldest = clients.entrySet().iterator();
          Client old = eldest.next().getValue();
          eldest.remove();
          release(old, closing);
        }
      }
      client.lastUsed = now;
    }
    closing.forEach(SdkAutoCloseable::close);
    return client;
  }

  /** Lets a client go (caller holds the lock): its credentials too, if it was their last user. */
  private void release(Client client, List<SdkAutoCloseable> closing) {
    if (client.ecr != null) {
      closing.add(client.ecr);
    }
    if (--client.credentials.users == 0) {
      credentials.remove(client.credentialsKey, client.credentials);
      closing.add(client.credentials::close);
    }
  }

  private void discard(String key, Client client) {
    var closing = new ArrayList<SdkAutoCloseable>();
    synchronized (clients) {
      if (!clients.remove(key, client)) {
        return;
      }
      release(client, closing);
    }
    closing.forEach(SdkAutoCloseable::close);
  }

  /** The partition a region is in: a role's session is valid in all its regions. */
  static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    if (region.startsWith("us-iso-")) {
      return "aws-iso";
    }
    if (region.startsWith("us-isob-")) {
      return "aws-iso-b";
    }
    return "aws";
  }

  /** The identity's credentials, with STS asked in the region of the first client that needs it. */
  private Credentials credentials(AwsIdentity identity, String region) {
    var parts = new ArrayList<SdkAutoCloseable>();
    AwsCredentialsProvider current =
        identity.base() instanceof AwsIdentity.ServiceAccountToken account
            ? webIdentity(account, region, parts)
            : base(identity.base());
    if (current instanceof SdkAutoCloseable closeable && !parts.contains(closeable)) {
      parts.add(closeable);
    }
    for (AwsIdentity.RoleHop role : identity.roles()) {
      StsClient sts =
          StsClient.builder()
              .region(Region.of(region))
              .dualstackEnabled(dualStack())
              .credentialsProvider(current)
              .httpClient(http)
              .overrideConfiguration(overrides())
              .build();
      parts.add(sts);
      StsAssumeRoleCredentialsProvider assumed =
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
      parts.add(assumed);
      current = assumed;
    }
    return new Credentials(current, List.copyOf(parts));
  }

  /**
   * A tenant's service account as the role its trust policy admits: a new token from the
   * TokenRequest API each time the role's credentials are renewed, exchanged at STS (which needs no
   * credentials for that call).
   */
  private AwsCredentialsProvider webIdentity(
      AwsIdentity.ServiceAccountToken account, String region, List<SdkAutoCloseable> parts) {
    StsClient sts =
        StsClient.builder()
            .region(Region.of(region))
            .dualstackEnabled(dualStack())
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(http)
            .overrideConfiguration(overrides())
            .build();
    parts.add(sts);
    var provider =
        StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
            .stsClient(sts)
            .refreshRequest(
                () ->
                    AssumeRoleWithWebIdentityRequest.builder()
                        .roleArn(account.roleArn())
                        .roleSessionName(account.sessionName())
                        .webIdentityToken(account.token().get())
                        .build())
            .asyncCredentialUpdateEnabled(false)
            .build();
    parts.add(provider);
    return provider;
  }

  private EcrClient ecr(String region, AwsCredentialsProvider provider) {
    return EcrClient.builder()
        .region(Region.of(region))
        .dualstackEnabled(dualStack())
        .credentialsProvider(provider)
        .httpClient(http)
        .overrideConfiguration(overrides())
        .build();
  }

  /** On where asked; otherwise unset, so that the SDK's own setting applies. */
  private Boolean dualStack() {
    return settings.dualStack() ? Boolean.TRUE : null;
  }

  private ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(b -> b.maxAttempts(settings.maxAttempts()))
        .apiCallAttemptTimeout(settings.attemptTimeout())
        .apiCallTimeout(settings.callTimeout())
        // shared: the SDK would otherwise start a scheduler (with its threads) per client
        .scheduledExecutorService(scheduler)
        .build();
  }

  private static ScheduledExecutorService scheduler() {
    var threads = new AtomicInteger();
    var pool =
        new ScheduledThreadPoolExecutor(
            2,
            task -> {
              var thread = new Thread(task, "aws-timeouts-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.setRemoveOnCancelPolicy(true);
    return Executors.unconfigurableScheduledExecutorService(pool);
  }

  private static AwsCredentialsProvider base(AwsIdentity.Base base) {
    if (base instanceof AwsIdentity.StaticKeys keys) {
      return StaticCredentialsProvider.create(
          keys.sessionToken().isPresent()
              ? AwsSessionCredentials.create(
                  keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken().get())
              : AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
    }
    if (base instanceof AwsIdentity.ProfileFile file) {
      return ProfileCredentialsProvider.builder()
          .profileFile(
              ProfileFile.builder()
                  .content(file.content())
                  .type(ProfileFile.Type.CREDENTIALS)
                  .build())
          .profileName("default")
          .build();
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    var closing = new ArrayList<SdkAutoCloseable>();
    synchronized (clients) {
      for (Client c : clients.values()) {
        release(c, closing);
      }
      clients.clear();
    }
    closing.forEach(SdkAutoCloseable::close);
    http.close();
    scheduler.shutdownNow();
  }
}
