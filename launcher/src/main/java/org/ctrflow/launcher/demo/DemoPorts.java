package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.ctrflow.connectors.kafka.KafkaBrokerConfig;

/**
 * Ports for the demo's servers: the usual one when it is free (so URLs stay familiar), else any
 * free one, so a port still held by something else never stops the demo.
 */
final class DemoPorts {

  private DemoPorts() {}

  /** {@code port} if it is free, else (and for 0) any free one. */
  static int preferred(int port) {
    return port > 0 && KafkaBrokerConfig.isPortFree(port) ? port : free();
  }

  static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
