package org.ctrflow.launcher.process;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;

/**
 * {@code bin/ctrflow demo} sends the process's stderr to a file, since native code writes there out
 * of log4j's reach (libtorch warns once per run), and hands the JVM the console as the file
 * descriptor in {@value #ENV}. {@link #adopt} points {@code System.err} at that descriptor as
 * inherited, not reopened: a console that is one file with stdout ({@code > out 2>&1}) then keeps
 * one write position instead of two that overwrite each other.
 */
public final class InheritedConsole {

  public static final String ENV = "CTRFLOW_CONSOLE_FD";

  private InheritedConsole() {}

  /** Makes the descriptor in {@value #ENV}, when set, this JVM's {@code System.err}. */
  public static void adopt() {
    String number = System.getenv(ENV);
    if (number == null || number.isBlank()) {
      return;
    }
    try {
      FileDescriptor fd = new FileDescriptor();
      // No public constructor takes a descriptor number; bin/jvm.options opens java.io.
      Field field = FileDescriptor.class.getDeclaredField("fd");
      field.setAccessible(true);
      field.setInt(fd, Integer.parseInt(number.strip()));
      System.setErr(new PrintStream(new FileOutputStream(fd), true));
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println(
          "ctrflow: cannot write to the console on descriptor " + number + " (" + e + ")");
    }
  }
}
