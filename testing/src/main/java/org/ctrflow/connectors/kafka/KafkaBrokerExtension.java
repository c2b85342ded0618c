package org.ctrflow.connectors.kafka;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Gives JUnit 5 tests a real Kafka cluster, by default a broker in the test JVM itself.
 *
 * <p>Use it either way:
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class MyTest {
 *   @Test
 *   void works(KafkaTestCluster kafka) {
 *     String topic = Topic.CLICKS.name(kafka.newTopicPrefix());
 *     ...
 *   }
 * }
 *
 * class MyOtherTest {
 *   @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 *
 *   @Test
 *   void works() {
 *     String bootstrap = KAFKA.cluster().bootstrapServers();
 *   }
 * }
 * }</pre>
 *
 * <p>Which cluster, in this order:
 *
 * <ol>
 *   <li>system property {@code ctrflow.kafka.mode} or env {@code CTRFLOW_KAFKA_MODE}: {@code
 *       embedded}, {@code external} or {@code testcontainers};
 *   <li>else {@code external} when env {@code KAFKA_BOOTSTRAP} is set (its value is the address);
 *   <li>else {@code embedded}: an {@link EmbeddedKafkaBroker}.
 * </ol>
 *
 * <p>A cluster is started once per JVM and shared by every test class (start-up is the expensive
 * part), then stopped when the test run ends; tests isolate themselves with {@link
 * KafkaTestCluster#newTopicPrefix()}. In {@code testcontainers} mode the tests are skipped, not
 * failed, where no Docker engine answers.
 */
public final class KafkaBrokerExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  /** Where the cluster comes from. */
  public enum Mode {
    /** A broker in the test JVM. */
    EMBEDDED,
    /** A running cluster at {@code KAFKA_BOOTSTRAP}; nothing is started or stopped. */
    EXTERNAL,
    /** A Kafka container; needs a Docker engine. */
    TESTCONTAINERS
  }

  public static final String MODE_PROPERTY = "ctrflow.kafka.mode";
  public static final String MODE_ENV = "CTRFLOW_KAFKA_MODE";
  public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  private final Mode mode;
  private final String externalBootstrap;
  private KafkaTestCluster cluster;
  private TestAbortedException skipped;

  /** The cluster the environment asks for (see the class comment). */
  public KafkaBrokerExtension() {
    this(modeFrom(System::getProperty, System::getenv), System.getenv(BOOTSTRAP_ENV));
  }

  /** A cluster of the given mode whatever the environment says; for tests of the modes. */
  public static KafkaBrokerExtension forMode(Mode mode) {
    return new KafkaBrokerExtension(mode, System.getenv(BOOTSTRAP_ENV));
  }

  /** The external cluster at {@code bootstrapServers}, whatever the environment says. */
  public static KafkaBrokerExtension external(String bootstrapServers) {
    return new KafkaBrokerExtension(Mode.EXTERNAL, bootstrapServers);
  }

  private KafkaBrokerExtension(Mode mode, String externalBootstrap) {
    this.mode = mode;
    this.externalBootstrap = externalBootstrap;
    if (mode == Mode.EXTERNAL && (externalBootstrap == null || externalBootstrap.isBlank())) {
      throw new IllegalArgumentException(
          "Kafka mode 'external' needs the cluster's address in env "
              + BOOTSTRAP_ENV
              + ", e.g. KAFKA_BOOTSTRAP=127.0.0.1:9092");
    }
  }

  /** The cluster; available from {@code @BeforeAll} methods on. */
  public KafkaTestCluster cluster() {
    if (skipped != null) {
      throw skipped;
    }
    if (cluster == null) {
      throw new IllegalStateException(
          "the Kafka cluster is started before all tests of a class; register the extension as a"
              + " static field (@RegisterExtension static) and call cluster() from tests or"
              + " @BeforeAll methods");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      cluster = shared(context);
    } catch (TestAbortedException e) {
      // Aborting here would hide the class's tests from the reports; skip each one instead.
      skipped = e;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (skipped != null) {
      throw skipped;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaTestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  private KafkaTestCluster shared(ExtensionContext context) {
    String key = mode == Mode.EXTERNAL ? "external:" + externalBootstrap : mode.name();
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(key, k -> startCluster(), KafkaTestCluster.class);
  }

  /** A new cluster of this extension's mode, not shared; the caller closes it. */
  KafkaTestCluster startCluster() {
    return switch (mode) {
      case EMBEDDED -> {
        try {
          EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
          yield new KafkaTestCluster(mode, broker.bootstrapServers(), broker);
        } catch (IOException e) {
          throw new IllegalStateException("the in-JVM Kafka broker did not start: " + e, e);
        }
      }
      case EXTERNAL -> new KafkaTestCluster(mode, externalBootstrap, null);
      case TESTCONTAINERS -> {
        Assumptions.assumeTrue(
            isOnClassPath("org.testcontainers.kafka.KafkaContainer"),
            "Kafka mode 'testcontainers' needs org.testcontainers:testcontainers-kafka on the test"
                + " class path; skipping");
        yield TestcontainersKafka.start();
      }
    };
  }

  private static boolean isOnClassPath(String className) {
    try {
      Class.forName(className, false, KafkaBrokerExtension.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The mode the environment asks for; {@code property} and {@code env} look names up. */
  static Mode modeFrom(UnaryOperator<String> property, UnaryOperator<String> env) {
    String requested = property.apply(MODE_PROPERTY);
    if (requested == null || requested.isBlank()) {
      requested = env.apply(MODE_ENV);
    }
    if (requested == null || requested.isBlank()) {
      String bootstrap = env.apply(BOOTSTRAP_ENV);
      return bootstrap == null || bootstrap.isBlank() ? Mode.EMBEDDED : Mode.EXTERNAL;
    }
    try {
      return Mode.valueOf(requested.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          MODE_PROPERTY
              + " must be one of "
              + Arrays.stream(Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList()
              + "; was '"
              + requested
              + "'",
          e);
    }
  }
}
