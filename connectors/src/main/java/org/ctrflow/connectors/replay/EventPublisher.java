package org.ctrflow.connectors.replay;

import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;

/**
 * Where replayed and generated events go. Sends may be asynchronous; {@link #flush()} waits until
 * every event sent so far is acknowledged. Failures surface as {@link PublishException}, from the
 * send that notices them or from {@code flush}.
 */
public interface EventPublisher extends AutoCloseable {

  void publishImpression(Impression impression);

  void publishClick(Click click);

  /** Blocks until every event published so far is acknowledged. */
  void flush();

  @Override
  void close();
}
