package org.ctrflow.connectors.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for tests that start servers, or need an address where nothing listens. */
public final class Ports {

  private Ports() {}

  /** A port on 127.0.0.1 that was free a moment ago (nothing listens on it once returned). */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
