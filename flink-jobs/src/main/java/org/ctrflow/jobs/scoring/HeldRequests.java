package org.ctrflow.jobs.scoring;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.ScoreRequest;

/**
 * Requests that came before the primary model's first version: they cannot be scored yet, so they
 * are kept in operator state ({@code held-requests-json}) until it arrives. They are held as their
 * serialized JSON: every checkpoint copies and writes the whole held list, and copying a byte array
 * costs a fraction of copying a request with its feature maps.
 */
final class HeldRequests {

  private final List<byte[]> held = new ArrayList<>();
  private final ListState<byte[]> state;

  HeldRequests(OperatorStateStore store) throws Exception {
    this.state =
        store.getListState(
            new ListStateDescriptor<>(
                "held-requests-json", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  /** Reads the requests held at the checkpoint restored from. */
  void restore() throws Exception {
    state.get().forEach(held::add);
  }

  void hold(ScoreRequest request) {
    held.add(EventSerde.SCORE_REQUEST.serialize(request));
  }

  /** Takes every held request, in arrival order. */
  List<ScoreRequest> release() {
    List<ScoreRequest> requests = new ArrayList<>(held.size());
    for (byte[] request : held) {
      requests.add(EventSerde.SCORE_REQUEST.deserialize(request));
    }
    held.clear();
    return requests;
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  void snapshot() throws Exception {
    state.update(held);
  }
}
