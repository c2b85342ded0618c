package org.ctrflow.launcher.cluster;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** A bounded job the cluster test packs into a jar and submits over REST. */
public final class TinyJob {

  private TinyJob() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, Long.parseLong(args[0]))
        .map(n -> n * 2)
        .returns(Long.class)
        .sinkTo(new DiscardingSink<>());
    env.execute("ctrflow-tiny-job");
  }
}
