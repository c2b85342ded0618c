package org.ctrflow.connectors.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.ctrflow.connectors.topics.TopicSpec;

/**
 * Creates and inspects ctrflow's topics. {@link #createTopics} is idempotent: run it on every
 * deploy; it creates what is missing and reports what already existed, including an existing topic
 * with fewer partitions than declared (Kafka never shrinks or grows them on its own).
 */
public final class TopicAdmin implements AutoCloseable {

  /** What {@link #createTopics} found or did for one topic. */
  public enum Outcome {
    CREATED,
    EXISTED,
    /** Exists with fewer partitions than declared: keyed data is spread differently than meant. */
    EXISTED_WITH_FEWER_PARTITIONS
  }

  /**
   * One topic's result.
   *
   * @param spec the declaration
   * @param partitions the partitions the topic has now
   * @param cleanupPolicy the cleanup policy the topic has now
   */
  public record Result(TopicSpec spec, Outcome outcome, int partitions, String cleanupPolicy) {

    /** A line for humans, e.g. {@code existed, but has 2 partitions where 4 are declared}. */
    public String describeOutcome() {
      return switch (outcome) {
        case CREATED -> "created";
        case EXISTED -> "existed";
        case EXISTED_WITH_FEWER_PARTITIONS ->
            "existed, but has "
                + partitions
                + " partitions where "
                + spec.partitions()
                + " are declared: add them with kafka-topics.sh --alter --partitions "
                + spec.partitions();
      };
    }
  }

  private final Admin admin;
  private final String bootstrapServers;
  private final Duration timeout;

  private TopicAdmin(Admin admin, String bootstrapServers, Duration timeout) {
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
  }

  /** {@link #connect(String, Duration)} giving up on each request after 30 s. */
  public static TopicAdmin connect(String bootstrapServers) {
    return connect(bootstrapServers, Duration.ofSeconds(30));
  }

  /**
   * An admin client for the cluster at {@code bootstrapServers}, e.g. {@code 127.0.0.1:9092}; every
   * request fails after {@code timeout} without an answer.
   */
  public static TopicAdmin connect(String bootstrapServers, Duration timeout) {
    int timeoutMs = (int) timeout.toMillis();
    return new TopicAdmin(
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs)),
        bootstrapServers,
        timeout);
  }

  /** {@link #createTopics(List, short)} with one replica per partition (a single broker). */
  public List<Result> createTopics(List<TopicSpec> specs) throws IOException {
    return createTopics(specs, (short) 1);
  }

  /** Creates every missing topic; reports per topic, in the order given. */
  public List<Result> createTopics(List<TopicSpec> specs, short replicationFactor)
      throws IOException {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be at least 1 (1 for a single broker, 3 for production);"
              + " was "
              + replicationFactor);
    }
    List<NewTopic> newTopics =
        specs.stream()
            .map(
                s -> new NewTopic(s.name(), s.partitions(), replicationFactor).configs(s.configs()))
            .toList();
    Map<String, KafkaFuture<Void>> created = admin.createTopics(newTopics).values();
    List<String> existing = new ArrayList<>();
    for (TopicSpec spec : specs) {
      try {
        await(created.get(spec.name()), "creating topic " + spec.name());
      } catch (IOException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        existing.add(spec.name());
      }
    }
    List<String> createdNames =
        specs.stream().map(TopicSpec::name).filter(n -> !existing.contains(n)).toList();
    awaitLeaders(createdNames);
    Map<String, TopicDescription> descriptions = describe(existing);
    Map<String, Map<String, String>> configs = configs(existing);
    List<Result> results = new ArrayList<>();
    for (TopicSpec spec : specs) {
      TopicDescription description = descriptions.get(spec.name());
      if (description == null) {
        String policy = spec.configs().getOrDefault("cleanup.policy", "delete");
        results.add(new Result(spec, Outcome.CREATED, spec.partitions(), policy));
        continue;
      }
      int partitions = description.partitions().size();
      Outcome outcome =
          partitions < spec.partitions() ? Outcome.EXISTED_WITH_FEWER_PARTITIONS : Outcome.EXISTED;
      String policy = configs.get(spec.name()).getOrDefault("cleanup.policy", "delete");
      results.add(new Result(spec, outcome, partitions, policy));
    }
    return results;
  }

  /**
   * Waits until every partition of {@code topics} has a leader, and that leader serves it. A topic
   * exists as soon as the controller accepts it, but producers that start right away (a replay
   * after {@code topics create}) meet NOT_LEADER errors until its partitions have leaders, which on
   * a busy machine takes seconds. Even once the metadata names a leader, the broker applies that
   * metadata asynchronously; an idempotent producer whose first batch met NOT_LEADER_OR_FOLLOWER
   * there was seen retrying OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout. So the wait
   * ends only when a leader-only request (list offsets) succeeds on every partition.
   */
  private void awaitLeaders(List<String> topics) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> waiting = topics;
    while (!waiting.isEmpty()) {
      Map<String, TopicDescription> described;
      try {
        described = describe(waiting);
      } catch (IOException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        described = Map.of();
      }
      Map<String, TopicDescription> current = described;
      waiting =
          waiting.stream()
              .filter(
                  t ->
                      !current.containsKey(t)
                          || current.get(t).partitions().stream().anyMatch(p -> p.leader() == null))
              .toList();
      if (waiting.isEmpty()) {
        waiting = notServing(topics, describe(topics));
        if (waiting.isEmpty()) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "topics "
                + waiting
                + " were created but their partitions have no leader after "
                + timeout.toSeconds()
                + " s; is the broker at "
                + bootstrapServers
                + " overloaded or failing? Its log says more.");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for topic leaders", e);
      }
    }
  }

  /** The topics among {@code described} whose leaders do not yet answer a leader-only request. */
  private List<String> notServing(List<String> topics, Map<String, TopicDescription> described)
      throws IOException {
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    for (String topic : topics) {
      described
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    }
    Set<String> waiting = new TreeSet<>();
    ListOffsetsResult result = admin.listOffsets(latest);
    for (TopicPartition partition : latest.keySet()) {
      try {
        result.partitionResult(partition).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        waiting.add(partition.topic());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        waiting.add(partition.topic());
      }
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new IOException("interrupted while waiting for topic leaders");
    }
    return List.copyOf(waiting);
  }

  /** Names of all topics, internal ones excluded, sorted. */
  public Set<String> listTopics() throws IOException {
    return new TreeSet<>(await(admin.listTopics().names(), "listing topics"));
  }

  /** Partition layout of each named topic. */
  public Map<String, TopicDescription> describe(Collection<String> topics) throws IOException {
    if (topics.isEmpty()) {
      return Map.of();
    }
    return await(admin.describeTopics(topics).allTopicNames(), "describing topics " + topics);
  }

  /** Each named topic's effective configs (defaults included), by config name. */
  public Map<String, Map<String, String>> configs(Collection<String> topics) throws IOException {
    if (topics.isEmpty()) {
      return Map.of();
    }
    List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> raw =
        await(admin.describeConfigs(resources).all(), "reading configs of topics " + topics);
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    raw.forEach(
        (resource, config) -> {
          Map<String, String> values = new LinkedHashMap<>();
          for (ConfigEntry entry : config.entries()) {
            if (entry.value() != null) {
              values.put(entry.name(), entry.value());
            }
          }
          result.put(resource.name(), values);
        });
    return result;
  }

  /** The wrapped client, for what this class does not cover. */
  public Admin admin() {
    return admin;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }

  private <T> T await(KafkaFuture<T> future, String what) throws IOException {
    try {
      return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw notAnswering(what, cause);
      }
      throw new IOException(what + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw notAnswering(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + what, e);
    }
  }

  private IOException notAnswering(String what, Throwable cause) {
    return new IOException(
        "no Kafka broker answered at "
            + bootstrapServers
            + " within "
            + timeout.toMillis()
            + " ms while "
            + what
            + "; is one running there (ctrflow kafka start)? Pass another address as host:port,"
            + " e.g. 127.0.0.1:9092",
        cause);
  }
}
