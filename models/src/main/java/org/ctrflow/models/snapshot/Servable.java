package org.ctrflow.models.snapshot;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.features.FeatureEncoder;
import org.ctrflow.models.features.FeatureSchema;

/**
 * One model version ready to score feature maps, Flink-free so the jobs and the model server share
 * it. It owns its blocks on its own native memory manager; {@link #close()} frees them.
 *
 * <p>Immutable in its weights: {@link #applyDelta} returns a new Servable and leaves this one
 * serving, so a server swaps an {@code AtomicReference} to the new one and closes the old one when
 * its in-flight requests are done.
 *
 * <p>Thread-safe: {@link #score} is synchronized, because one DJL block must not run forward passes
 * from several threads at once and closing must not race a pass. A server batches requests, so one
 * pass at a time per Servable is the intended use; scale out with more Servables, not threads.
 */
public final class Servable implements AutoCloseable {

  private final ModelInfo info;
  private final FeatureSchema schema;
  private final FeatureEncoder encoder;
  private final CtrModelBlock block;
  private final NDManager manager;
  private boolean closed;

  private Servable(ModelInfo info, FeatureSchema schema, CtrModelBlock block, NDManager manager) {
    this.info = info;
    this.schema = schema;
    this.encoder = schema.encoder();
    this.block = block;
    this.manager = manager;
  }

  /**
   * Loads a snapshot's bytes.
   *
   * @throws SnapshotFormatException if {@link ModelSnapshot#read} rejects them
   */
  public static Servable load(byte[] snapshot) throws SnapshotFormatException {
    return load(snapshot, null);
  }

  /**
   * Loads a snapshot's bytes onto a device; deltas applied to the result stay on it.
   *
   * @param device e.g. {@code Device.gpu(1)}; null for the engine's default (a GPU if it sees one)
   * @throws SnapshotFormatException if {@link ModelSnapshot#read} rejects them
   */
  public static Servable load(byte[] snapshot, Device device) throws SnapshotFormatException {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      ModelSnapshot.Loaded loaded = ModelSnapshot.read(snapshot, manager);
      return new Servable(loaded.info(), loaded.schema(), loaded.block(), manager);
    } catch (SnapshotFormatException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Loads a snapshot file. */
  public static Servable load(Path file) throws IOException {
    return load(Files.readAllBytes(file));
  }

  public ModelInfo info() {
    return info;
  }

  /** Where this version's weights live. */
  public Device device() {
    return manager.getDevice();
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** Scores rows; see {@link #score(List, Function, Function)}. */
  public Scores score(List<FeatureRow> rows) {
    return score(rows, FeatureRow::categorical, FeatureRow::numeric);
  }

  /**
   * Click probabilities of a batch, in inference mode (no dropout, batch-norm running statistics).
   * Encoding writes straight into one (B, F) index buffer; the tensors live on a per-call
   * sub-manager closed before returning.
   *
   * @param categorical an example's categorical map, e.g. {@code LabeledExample::features}
   * @param numeric an example's numeric map, e.g. {@code LabeledExample::numericFeatures}
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized <T> Scores score(
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric) {
    requireOpen();
    if (examples.isEmpty()) {
      return new Scores(info, new double[0]);
    }
    int[] indices = encode(examples, categorical, numeric);
    try (NDManager call = manager.newSubManager()) {
      NDArray x = call.create(indices, new Shape(examples.size(), schema.fieldCount()));
      return new Scores(info, toDoubles(block.predict(x).toFloatArray()));
    }
  }

  /**
   * Monte-Carlo dropout: {@code passes} stochastic forward passes per example, dropout on and batch
   * norm in inference mode (running statistics, unchanged). All passes run as one (passes·B, F)
   * batch, each row with its own dropout mask. A model without dropout gives identical passes.
   *
   * @return probabilities indexed [example][pass]
   * @throws IllegalArgumentException if {@code passes} &lt; 1
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized <T> double[][] scoreWithDropout(
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric,
      int passes) {
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be >= 1, such as 20, was " + passes);
    }
    requireOpen();
    int n = examples.size();
    double[][] out = new double[n][passes];
    if (n == 0) {
      return out;
    }
    int[] once = encode(examples, categorical, numeric);
    int[] indices = new int[once.length * passes];
    for (int t = 0; t < passes; t++) {
      System.arraycopy(once, 0, indices, t * once.length, once.length);
    }
    try (NDManager call = manager.newSubManager()) {
      NDArray x = call.create(indices, new Shape((long) n * passes, schema.fieldCount()));
      float[] p = block.predictWithDropout(x).toFloatArray();
      for (int t = 0; t < passes; t++) {
        for (int i = 0; i < n; i++) {
          out[i][t] = p[t * n + i];
        }
      }
    }
    return out;
  }

  private <T> int[] encode(
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric) {
    int[] indices = new int[examples.size() * schema.fieldCount()];
    encoder.encodeBatch(examples, categorical, numeric, indices);
    return indices;
  }

  private static double[] toDoubles(float[] p) {
    double[] d = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = p[i];
    }
    return d;
  }

  /**
   * A new Servable for the delta's version; this one is unchanged and keeps serving.
   *
   * @throws SnapshotFormatException for another model, a version gap or a shape mismatch
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized Servable applyDelta(ModelDelta delta) throws SnapshotFormatException {
    requireOpen();
    NDManager next = NDManager.newBaseManager(manager.getDevice());
    try {
      return new Servable(delta.info(), schema, delta.applyTo(info, block, next), next);
    } catch (SnapshotFormatException | RuntimeException e) {
      next.close();
      throw e;
    }
  }

  /** This version as snapshot bytes, e.g. for a server to persist what it assembled from deltas. */
  public synchronized byte[] toSnapshot() {
    requireOpen();
    return ModelSnapshot.write(info, schema, block);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Servable " + info + " is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
