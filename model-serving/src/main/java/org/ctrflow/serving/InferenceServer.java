package org.ctrflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Scores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: Open Inference Protocol (KServe v2) health, metadata and infer endpoints, the
 * compact CTR endpoint {@code POST /v1/ctr/{name}}, {@code /metrics}, and the token-protected
 * {@link AdminRoutes} to pin a version. Every response to a scoring call names the model version
 * that scored it: the version current when the request arrived (or the one asked for). Every GET
 * route answers HEAD through the same handler, so HEAD gets the status GET would (a 401 without the
 * admin token, a 503 from readiness while not ready).
 */
public final class InferenceServer implements AutoCloseable {

  /** Liveness (KServe v2): the process answers. Kubernetes probes use it (k8s/). */
  public static final String LIVE_PATH = "/v2/health/live";

  /** Readiness (KServe v2): every model has a version to score with and every worker runs. */
  public static final String READY_PATH = "/v2/health/ready";

  private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
  private static final long SCORE_TIMEOUT_SECONDS = 30;

  private final ModelRegistry registry;
  private final Map<String, DynamicBatcher> batchers;
  private final ServingMetrics metrics;
  private final ServingConfig config;
  private final Supervisor workers;
  private final RequestBodies bodies;
  private final Javalin app;

  InferenceServer(
      ModelRegistry registry,
      Map<String, DynamicBatcher> batchers,
      ServingMetrics metrics,
      ServingConfig config,
      Supervisor workers) {
    this.registry = registry;
    this.batchers = batchers;
    this.metrics = metrics;
    this.config = config;
    this.workers = workers;
    this.bodies = new RequestBodies(config, metrics);
    int maxBody = config.get(ServingConfig.MAX_BODY_BYTES);
    AdminRoutes admin = new AdminRoutes(registry, metrics, config);
    this.app =
        Javalin.create(
            c -> {
              c.http.maxRequestSize = maxBody;
              c.startup.showJavalinBanner = false;
              RoutesConfig r = c.routes;
              getAndHead(r, LIVE_PATH, h("live", ctx -> json(ctx, 200, Map.of("live", true))));
              getAndHead(r, READY_PATH, h("ready", this::ready));
              getAndHead(r, "/v2", h("server", ctx -> json(ctx, 200, serverMetadata())));
              getAndHead(r, "/v2/models/{name}", h("model", this::modelMetadata));
              getAndHead(r, "/v2/models/{name}/ready", h("model_ready", this::modelReady));
              r.post("/v2/models/{name}/infer", h("infer", ctx -> infer(ctx, null)));
              r.post(
                  "/v2/models/{name}/versions/{version}/infer",
                  h("infer_version", ctx -> infer(ctx, version(ctx))));
              r.post("/v1/ctr/{name}", h("ctr", this::ctr));
              getAndHead(r, "/metrics", this::scrape);
              admin.register(r, this::h);
            });
  }

  /**
   * Registers {@code handler} for GET and HEAD: without its own HEAD route Javalin answers HEAD 200
   * for any GET route without running the handler, so a HEAD without the admin token got 200.
   */
  static void getAndHead(RoutesConfig routes, String path, Handler handler) {
    routes.get(path, handler);
    routes.head(path, handler);
  }

  InferenceServer start() {
    app.start(config.get(ServingConfig.HOST), config.get(ServingConfig.PORT));
    return this;
  }

  int port() {
    return app.port();
  }

  /** Times the handler and turns refusals into {@code {"error": ...}} with their status. */
  private Handler h(String endpoint, Handler handler) {
    return ctx -> {
      long start = System.nanoTime();
      try {
        handler.handle(ctx);
      } catch (ApiException e) {
        if (e.retryAfterSeconds() > 0) {
          ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        json(ctx, e.status(), Map.of("error", e.getMessage()));
      } catch (RuntimeException e) {
        // The details go to the log only: an exception's text can reveal the server's internals.
        LOG.error("{} failed", endpoint, e);
        json(ctx, 500, Map.of("error", "internal error; the server log has the details"));
      }
      int status = ctx.statusCode();
      String model = ctx.pathParamMap().getOrDefault("name", "");
      if (!model.isEmpty() && registry.model(model).isEmpty()) {
        model = "unknown"; // keep label cardinality bounded
      }
      metrics
          .requestSeconds
          .labelValues(endpoint, model, Integer.toString(status))
          .observe((System.nanoTime() - start) / 1e9);
      if (status >= 400) {
        metrics.errors.labelValues(endpoint, Integer.toString(status)).inc();
      }
    };
  }

  private void ready(Context ctx) {
    List<String> down = workers.down();
    boolean ready = registry.ready() && down.isEmpty();
    json(
        ctx,
        ready ? 200 : 503,
        down.isEmpty() ? Map.of("ready", ready) : Map.of("ready", ready, "workers_down", down));
  }

  private Map<String, Object> serverMetadata() {
    return Map.of("name", "ctrflow-model-server", "version", "1", "extensions", List.of());
  }

  private void modelMetadata(Context ctx) {
    ModelVersions model = registry.require(ctx.pathParam("name"));
    ModelHandle h = acquireCurrent(model);
    try {
      FeatureRows fields = new FeatureRows(h.servable().schema(), maxRows());
      json(ctx, 200, OpenInference.metadata(model.name(), model.warmVersions(), fields));
    } finally {
      h.release();
    }
  }

  private void modelReady(Context ctx) {
    boolean ready = registry.require(ctx.pathParam("name")).peekCurrent() != null;
    json(ctx, ready ? 200 : 503, Map.of("name", ctx.pathParam("name"), "ready", ready));
  }

  private void infer(Context ctx, Long version) {
    ModelVersions model = registry.require(ctx.pathParam("name"));
    try (RequestBodies.Admitted request = bodies.read(ctx)) {
      JsonNode body = request.body();
      ModelHandle h = version == null ? acquireCurrent(model) : acquireVersion(model, version);
      try {
        List<FeatureRow> rows =
            OpenInference.parseRequest(body, new FeatureRows(h.servable().schema(), maxRows()));
        json(ctx, 200, OpenInference.response(score(model, h, rows), body.get("id")));
      } finally {
        h.release();
      }
    }
  }

  private void ctr(Context ctx) {
    ModelVersions model = registry.require(ctx.pathParam("name"));
    try (RequestBodies.Admitted request = bodies.read(ctx)) {
      JsonNode body = request.body();
      ModelHandle h = acquireCurrent(model);
      try {
        compact(ctx, model, h, body);
      } finally {
        h.release();
      }
    }
  }

  private void compact(Context ctx, ModelVersions model, ModelHandle h, JsonNode body) {
    body.fieldNames()
        .forEachRemaining(
            n -> {
              if (!n.equals("rows")) {
                throw ApiException.badRequest(n + ": unknown member; expected [rows]");
              }
            });
    List<FeatureRow> rows = new FeatureRows(h.servable().schema(), maxRows()).parseCompact(body);
    Scores scores = score(model, h, rows);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", scores.model().modelName());
    out.put("version", scores.model().version());
    out.put("scores", scores.probabilities());
    json(ctx, 200, out);
  }

  private Scores score(ModelVersions model, ModelHandle h, List<FeatureRow> rows) {
    CompletableFuture<Scores> result = batchers.get(model.name()).submit(h, rows);
    Scores scores;
    try {
      scores = result.get(SCORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted while scoring");
    } catch (TimeoutException e) {
      throw new ApiException(503, "scoring took longer than " + SCORE_TIMEOUT_SECONDS + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    if (h.firstServed()) {
      metrics
          .refreshLagSeconds
          .labelValues(model.name(), "first_response")
          .observe((System.currentTimeMillis() - h.publishedAt()) / 1e3);
    }
    return scores;
  }

  private ModelHandle acquireCurrent(ModelVersions model) {
    ModelHandle h = model.acquireCurrent();
    if (h == null) {
      throw new ApiException(503, "model: '" + model.name() + "' has no version loaded yet");
    }
    return h;
  }

  private static ModelHandle acquireVersion(ModelVersions model, long version) {
    ModelHandle h = model.acquire(version);
    if (h == null) {
      throw new ApiException(
          404,
          "version: "
              + version
              + " of '"
              + model.name()
              + "' is not loaded; warm versions: "
              + model.warmVersions());
    }
    return h;
  }

  /** The {@code {version}} path parameter, an integer &gt;= 1. */
  static long version(Context ctx) {
    String text = ctx.pathParam("version");
    try {
      long v = Long.parseLong(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw ApiException.badRequest("version: must be an integer >= 1, was '" + text + "'");
  }

  private void scrape(Context ctx) {
    ctx.contentType(ServingMetrics.contentType()).result(metrics.scrape());
  }

  private int maxRows() {
    return config.get(ServingConfig.MAX_ROWS);
  }

  static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  @Override
  public void close() {
    app.stop();
  }
}
