package org.ctrflow.launcher.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.util.function.Supplier;

/**
 * The dashboard: a page ({@code /}) whose uPlot charts poll {@code /api/status} (the {@link
 * DemoStatus} as JSON) every two seconds. uPlot comes from its WebJar; the page and its script from
 * {@code /demo} on the class path. Bound to 127.0.0.1 only.
 */
final class DashboardServer implements AutoCloseable {

  static final String HOST = "127.0.0.1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Javalin app;

  DashboardServer(int port, Supplier<DemoStatus> status) {
    app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = HOST;
              config.jetty.port = port;
              config.staticFiles.enableWebjars();
              config.staticFiles.add("/demo", Location.CLASSPATH);
              config.routes.get("/", ctx -> ctx.redirect("/dashboard.html"));
              config.routes.get(
                  "/api/status",
                  ctx -> ctx.contentType("application/json").result(json(status.get())));
            });
  }

  DashboardServer start() {
    app.start();
    return this;
  }

  int port() {
    return app.port();
  }

  String url() {
    return "http://" + HOST + ":" + port() + "/";
  }

  static String json(DemoStatus status) throws JsonProcessingException {
    return JSON.writeValueAsString(status);
  }

  @Override
  public void close() {
    app.stop();
  }
}
