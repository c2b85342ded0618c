package org.ctrflow.launcher.demo;

import java.util.List;
import java.util.Map;

/**
 * One moment of the demo, as {@code /api/status} serves it and the status line and summary print
 * it.
 *
 * @param timeMillis when, epoch ms
 * @param eventsPerSecond impressions and clicks published per second since the previous tick
 * @param events impressions and clicks published so far
 * @param components every part the demo started, with its state
 * @param models each trained model's progress
 * @param served the model server's current version, or null before its first answer
 * @param queueDepth label tasks waiting in the queue
 * @param queueLabeled tasks the queue holds as labeled
 * @param labelsAnswered labels the simulated labeler gave
 * @param labelsPerMinute labels given over the last minute
 * @param humanExamples human-labeled examples the label join produced
 * @param humanExamplesTrained of those, how many the training job has consumed (committed)
 * @param drifts the stream's drift steps crossed so far
 * @param links URLs of the Flink web UI, the labeler page and the metrics endpoints
 * @param series the charts' columns, see {@link Timeline#columns()}
 */
record DemoStatus(
    long timeMillis,
    double eventsPerSecond,
    long events,
    List<StatusBoard.Component> components,
    List<ModelProgress> models,
    StatusBoard.Served served,
    long queueDepth,
    long queueLabeled,
    long labelsAnswered,
    double labelsPerMinute,
    long humanExamples,
    long humanExamplesTrained,
    List<StatusBoard.Drift> drifts,
    Map<String, String> links,
    Map<String, List<Double>> series) {}
