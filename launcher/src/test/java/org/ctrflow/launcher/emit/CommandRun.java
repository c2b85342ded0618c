package org.ctrflow.launcher.emit;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The exit code and the output of one command execution. */
public record CommandRun(int exitCode, String out, String err) {

  public static CommandRun execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line =
        new CommandLine(command)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .setCaseInsensitiveEnumValuesAllowed(true);
    int code = line.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }
}
