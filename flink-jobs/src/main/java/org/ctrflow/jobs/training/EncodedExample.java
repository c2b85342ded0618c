package org.ctrflow.jobs.training;

/**
 * A labeled example encoded for one model, on its way to that model's trainer.
 *
 * @param model the model that learns from it (the trainer operator's key)
 * @param rows F embedding rows, one per field of the feature schema
 * @param label 0 or 1
 * @param weight importance weight, &gt; 0
 */
public record EncodedExample(String model, int[] rows, int label, float weight) {}
