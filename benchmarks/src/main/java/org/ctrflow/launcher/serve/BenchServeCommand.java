package org.ctrflow.launcher.serve;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.features.FieldSpec;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow bench serve}: starts {@code ctrflow serve} as a child JVM on a fresh FinalMLP
 * snapshot and drives it from this process with closed-loop clients (each sends its next request
 * when the last one is answered), one single-row compact CTR request at a time; prints throughput
 * and HdrHistogram latency percentiles per client count, with and without dynamic batching.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Load benchmark of the model server from a separate process.")
public final class BenchServeCommand implements Callable<Integer> {

  enum Size {
    FRAPPE,
    CRITEO
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", split = ",", description = "frappe, criteo (default: both).")
  List<Size> sizes = List.of(Size.FRAPPE, Size.CRITEO);

  @Option(names = "--clients", split = ",", description = "Client counts (default: 1,8,64).")
  List<Integer> clients = List.of(1, 8, 64);

  @Option(
      names = "--duration",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Time measured per row (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--port", description = "Server port (default: ${DEFAULT-VALUE}).")
  int port = 18080;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%-7s %-8s %7s %10s %9s %9s %9s %7s%n",
        "model", "batching", "clients", "req/s", "p50 ms", "p99 ms", "p999 ms", "errors");
    Path work = Files.createTempDirectory("ctrflow-bench-serve");
    for (Size size : sizes) {
      FeatureSchema schema = writeSnapshot(size, work.resolve(size.name()));
      for (boolean batching : List.of(false, true)) {
        Process server = startServer(work.resolve(size.name()), batching, work);
        try {
          awaitReady();
          for (int n : clients) {
            double seconds = duration.toNanos() / 1e9;
            run(schema, n, warmup.toNanos() / 1e9);
            Result r = run(schema, n, seconds);
            out.printf(
                "%-7s %-8s %7d %10.0f %9.2f %9.2f %9.2f %7d%n",
                size.name().toLowerCase(),
                batching ? "on" : "off",
                n,
                r.count / seconds,
                r.latency.getValueAtPercentile(50) / 1e3,
                r.latency.getValueAtPercentile(99) / 1e3,
                r.latency.getValueAtPercentile(99.9) / 1e3,
                r.errors);
            out.flush();
          }
        } finally {
          server.destroy();
          server.waitFor();
        }
      }
    }
    return 0;
  }

  private static FeatureSchema writeSnapshot(Size size, Path store) throws IOException {
    FeatureSchema schema = size == Size.CRITEO ? FeatureSchemas.criteo() : FeatureSchemas.frappe();
    CtrModelConfig config =
        size == Size.CRITEO
            ? CtrModelConfig.criteoSized("finalmlp")
            : CtrModelConfig.frappe("finalmlp", schema.totalRows());
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelInfo info = new ModelInfo("finalmlp", 1, System.currentTimeMillis());
      new DirectoryModelStore(store)
          .put(
              "finalmlp",
              1,
              ModelSnapshot.write(info, schema, CtrModels.createInitialized(config, manager)));
    }
    return schema;
  }

  private Process startServer(Path store, boolean batching, Path work) throws IOException {
    return ChildJvm.of("org.ctrflow.launcher.CtrflowCommand")
        .args(
            List.of(
                "serve",
                "--model-store",
                store.toString(),
                "--port",
                Integer.toString(port),
                "--device",
                "cpu",
                "--set",
                "batching=" + batching))
        .logFile(work.resolve("server-" + batching + ".log"))
        .start(new PidFile(work.resolve("server.pid")));
  }

  private void awaitReady() throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base() + "/v2/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server did not become ready in 120 s");
  }

  private record Result(long count, long errors, Histogram latency) {}

  private Result run(FeatureSchema schema, int n, double secs) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long end = System.nanoTime() + (long) (secs * 1e9);
    List<Histogram> histograms = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      Histogram h = new Histogram(60_000_000L, 3);
      histograms.add(h);
      Random random = new Random(c);
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  HttpRequest request =
                      HttpRequest.newBuilder(URI.create(base() + "/v1/ctr/finalmlp"))
                          .POST(HttpRequest.BodyPublishers.ofString(row(schema, random)))
                          .build();
                  long start = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  } catch (InterruptedException e) {
                    return;
                  }
                  h.recordValue(Math.min((System.nanoTime() - start) / 1_000, 60_000_000L));
                }
              });
      t.start();
      threads.add(t);
    }
    Histogram all = new Histogram(60_000_000L, 3);
    for (int c = 0; c < n; c++) {
      threads.get(c).join();
      all.add(histograms.get(c));
    }
    return new Result(all.getTotalCount(), errors.get(), all);
  }

  /** One row in the compact form: a random value per categorical field, numbers for numeric. */
  private static String row(FeatureSchema schema, Random random) {
    StringBuilder sb = new StringBuilder("{\"rows\": [{");
    List<FieldSpec> fields = schema.fields();
    for (int f = 0; f < fields.size(); f++) {
      FieldSpec field = fields.get(f);
      if (f > 0) {
        sb.append(", ");
      }
      sb.append('"').append(field.name()).append("\": ");
      if (field.encoding() instanceof org.ctrflow.models.features.NumericEncoding) {
        sb.append(random.nextInt(1000));
      } else {
        sb.append('"').append(schema.offset(f) + random.nextInt(schema.rows(f))).append('"');
      }
    }
    return sb.append("}]}").toString();
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
