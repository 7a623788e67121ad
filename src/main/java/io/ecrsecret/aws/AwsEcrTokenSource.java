package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
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
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Gets ECR tokens from AWS with the SDK v2: one client per (identity, region), reused while it is
 * in use; roles assumed through STS in turn, their sessions renewed by the SDK before they expire.
 *
 * <p>Whatever tenants create, what this holds is bounded: at most {@link #MAX_CLIENTS} clients, the
 * least recently used closed first, and none kept once unused for {@link #IDLE}; a client whose
 * call failed is closed at once (made-up or rotated keys leave nothing behind). All clients share
 * one HTTP client and one small scheduler, so a client costs no threads of its own.
 */
public final class AwsEcrTokenSource implements EcrTokenSource, AutoCloseable {

  /** Clients kept at most, over all identities and regions. */
  public static final int MAX_CLIENTS = 64;

  /** A client unused this long is closed. */
  public static final Duration IDLE = Duration.ofHours(13);

  private final AwsClientSettings settings;
  private final Clock clock;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final ScheduledExecutorService scheduler = scheduler();
  private final LongAdder tokenRequests = new LongAdder();

  /** Access order: the first entry is the least recently used. Guarded by itself. */
  private final LinkedHashMap<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true);

  /** An ECR client and what it was built on, closed together. */
  private static final class Client {
    private final EcrClient ecr;
    private final List<SdkAutoCloseable> parts;
    private Instant lastUsed;

    Client(EcrClient ecr, List<SdkAutoCloseable> parts, Instant lastUsed) {
      this.ecr = ecr;
      this.parts = parts;
      this.lastUsed = lastUsed;
    }

    EcrClient ecr() {
      return ecr;
    }

    void close() {
      ecr.close();
      parts.forEach(SdkAutoCloseable::close);
    }
  }

  public AwsEcrTokenSource(AwsClientSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public AwsEcrTokenSource(AwsClientSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public RegistryCredentials token(AwsIdentity identity, String region, Duration validFor) {
    String key = identity.cacheKey() + "@" + region;
    Client client = client(key, identity, region);
    try {
      tokenRequests.increment();
      AuthorizationData data = client.ecr().getAuthorizationToken().authorizationData().get(0);
      return RegistryCredentials.fromAuthorizationToken(
          data.authorizationToken(), data.expiresAt());
    } catch (RuntimeException e) {
      // a failed identity is not kept: the next call builds a fresh client (a few objects, no
      // request), and made-up keys cannot pile up clients
      discard(key, client);
      throw AwsFailures.explain(e, identity, region, "ecr:GetAuthorizationToken");
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

  private Client client(String key, AwsIdentity identity, String region) {
    var evicted = new ArrayList<Client>();
    Client client;
    synchronized (clients) {
      Instant now = clock.instant();
      for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
        Client c = it.next();
        if (c.lastUsed.plus(IDLE).isBefore(now)) {
          it.remove();
          evicted.add(c);
        }
      }
      client = clients.get(key);
      if (client == null) {
        client = build(identity, region);
        clients.put(key, client);
        while (clients.size() > MAX_CLIENTS) {
          var eldest = clients.entrySet().iterator();
          evicted.add(eldest.next().getValue());
          eldest.remove();
        }
      }
      client.lastUsed = now;
    }
    evicted.forEach(Client::close);
    return client;
  }

  private void discard(String key, Client client) {
    synchronized (clients) {
      if (!clients.remove(key, client)) {
        return;
      }
    }
    client.close();
  }

  private Client build(AwsIdentity identity, String region) {
    var parts = new ArrayList<SdkAutoCloseable>();
    AwsCredentialsProvider current = base(identity.base());
    if (current instanceof SdkAutoCloseable closeable) {
      parts.add(closeable);
    }
    for (AwsIdentity.RoleHop role : identity.roles()) {
      StsClient sts =
          StsClient.builder()
              .region(Region.of(region))
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
    EcrClient ecr =
        EcrClient.builder()
            .region(Region.of(region))
            .credentialsProvider(current)
            .httpClient(http)
            .overrideConfiguration(overrides())
            .build();
    return new Client(ecr, List.copyOf(parts), clock.instant());
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
    List<Client> all;
    synchronized (clients) {
      all = new ArrayList<>(clients.values());
      clients.clear();
    }
    all.forEach(Client::close);
    http.close();
    scheduler.shutdownNow();
  }
}
