package org.ctrflow.launcher.kafka;

import picocli.CommandLine.Command;

/** Placeholder: filled in by the work on this command. */
@Command(name = "kafka", description = "(in progress)")
public final class KafkaCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("kafka is not built yet");
  }
}
