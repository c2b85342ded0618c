package org.ctrflow.labelqueue.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.TaskException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: JSON API, inbound web hooks, labeler page, health, readiness and metrics.
 * Requests above the body limit are refused with 413; API routes need a bearer token whose role
 * allows them (HEAD included); errors answer {@code {"error": "..."}} naming what was wrong. Every
 * answer forbids framing and MIME sniffing, and the page may load scripts from the service only.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** The port {@code --port} defaults to. */
  public static final int DEFAULT_PORT = 8090;

  /** Liveness: the process answers. Kubernetes probes use it (k8s/). */
  public static final String LIVE_PATH = "/health";

  /** Readiness: every background worker runs, is ready and makes progress. */
  public static final String READY_PATH = "/ready";

  /**
   * The labeler page's scripts and styles come from the service (WebJars); Alpine.js evaluates its
   * attribute expressions, which needs 'unsafe-eval'; Pico's icons are data: URLs.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  /** What {@code /ready} reports: overall, and per worker. */
  public interface Readiness {
    boolean ready();

    Map<String, ?> workers();
  }

  /** TLS settings; null fields mean plain HTTP. */
  public record Tls(Path keyStore, String keyStorePassword) {}

  private final Javalin app;

  public ApiServer(
      String host,
      int port,
      long maxBodyBytes,
      Tls tls,
      TokenAuth auth,
      QueueMetrics metrics,
      Readiness readiness,
      TaskRoutes tasks,
      HookRoutes hooks) {
    app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = maxBodyBytes;
              config.jetty.host = host;
              config.jetty.port = port;
              if (tls != null) {
                config.jetty.addConnector(
                    (server, httpConfig) -> {
                      SslContextFactory.Server ssl = new SslContextFactory.Server();
                      ssl.setKeyStorePath(tls.keyStore().toString());
                      ssl.setKeyStorePassword(tls.keyStorePassword());
                      httpConfig.addCustomizer(new SecureRequestCustomizer());
                      ServerConnector c =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(ssl, "http/1.1"),
                              new HttpConnectionFactory(httpConfig));
                      c.setHost(host);
                      c.setPort(port);
                      return c;
                    });
              }
              config.staticFiles.enableWebjars();
              config.staticFiles.add("/labeler", Location.CLASSPATH);
              var r = config.routes;
              r.get(LIVE_PATH, ctx -> json(ctx, Map.of("status", "UP")));
              r.before(
                  ctx -> {
                    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                    ctx.header("X-Frame-Options", "DENY");
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.header("Referrer-Policy", "no-referrer");
                  });
              r.get(
                  READY_PATH,
                  ctx -> {
                    boolean ok = readiness.ready();
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("ready", ok);
                    body.put("workers", readiness.workers());
                    ctx.status(ok ? 200 : 503);
                    json(ctx, body);
                  });
              r.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.scrape()));
              r.get("/", ctx -> ctx.redirect("/labeler.html"));
              tasks.register(r, new Guard(auth, metrics));
              hooks.register(r, new Guard(auth, metrics));
              r.exception(
                  TaskException.class,
                  (e, ctx) ->
                      error(
                          ctx,
                          switch (e.kind()) {
                            case NOT_FOUND -> 404;
                            case CONFLICT -> 409;
                            case UNPROCESSABLE -> 422;
                          },
                          e.getMessage()));
              r.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      error(
                          ctx,
                          e.getStatus(),
                          e.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode()
                              ? "body: larger than the limit of "
                                  + maxBodyBytes
                                  + " bytes (--max-body-bytes)"
                              : e.getMessage()));
              r.exception(
                  JsonProcessingException.class,
                  (e, ctx) -> error(ctx, 400, "body is not valid JSON: " + e.getOriginalMessage()));
              r.exception(
                  IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
              r.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error; see the service log");
                  });
            });
  }

  public ApiServer start() {
    app.start();
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(QueueJson.write(body));
  }

  static void error(Context ctx, int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    ctx.status(status);
    json(ctx, body);
  }

  /** Wraps handlers with authentication, role checks and latency metrics. */
  static final class Guard {
    private final TokenAuth auth;
    private final QueueMetrics metrics;

    Guard(TokenAuth auth, QueueMetrics metrics) {
      this.auth = auth;
      this.metrics = metrics;
    }

    /**
     * Registers a GET route and its HEAD twin behind the same checks (Javalin would otherwise
     * answer HEAD of a GET route itself, 200 without running the handler or its checks).
     */
    void get(RoutesConfig r, String path, Role role, String route, Handler handler) {
      Handler guarded = require(role, route, handler);
      r.get(path, guarded);
      r.head(path, guarded);
    }

    Handler require(Role role, String route, Handler handler) {
      return ctx -> {
        long start = System.nanoTime();
        try {
          var principal = auth.authenticate(ctx.header("Authorization"));
          if (principal.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            error(ctx, HttpStatus.UNAUTHORIZED.getCode(), "missing or unknown bearer token");
            return;
          }
          if (!principal.get().role().allows(role)) {
            error(
                ctx,
                HttpStatus.FORBIDDEN.getCode(),
                "this route needs the " + role.name().toLowerCase(java.util.Locale.ROOT) + " role");
            return;
          }
          ctx.attribute("principal", principal.get());
          handler.handle(ctx);
        } finally {
          metrics.requestSeconds.labelValues(route).observe((System.nanoTime() - start) / 1e9);
        }
      };
    }

    /** Latency metrics only: for routes that authenticate otherwise (signed web hooks). */
    Handler timed(String route, Handler handler) {
      return ctx -> {
        long start = System.nanoTime();
        try {
          handler.handle(ctx);
        } finally {
          metrics.requestSeconds.labelValues(route).observe((System.nanoTime() - start) / 1e9);
        }
      };
    }
  }

  static TokenAuth.Principal principal(Context ctx) {
    return ctx.attribute("principal");
  }
}
