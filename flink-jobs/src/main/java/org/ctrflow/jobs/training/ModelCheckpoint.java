package org.ctrflow.jobs.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.ctrflow.models.snapshot.PublisherState;

/**
 * One model's entry in the trainer operator's checkpoint: the trainer's own state ({@code
 * OnlineTrainer.saveState()}: weights, optimizer moments, step, touched rows) plus the job's
 * progress. Big-endian:
 *
 * <pre>
 *   int32  magic "CTRK"
 *   int32  format version (1)
 *   UTF    model name
 *   int64  examples trained
 *   int64  examples trained at the last published version
 *   int64  last published version, int32 deltas since snapshot, bool snapshot due
 *   int32  n, then n bytes of trainer state
 * </pre>
 *
 * Reading fails loudly on another magic or an unknown version: a checkpoint is never half-read.
 *
 * @param examplesTrained examples the model has learned from, over all restarts
 * @param examplesAtLastPublish {@code examplesTrained} when the last version was published
 */
public record ModelCheckpoint(
    String modelName,
    long examplesTrained,
    long examplesAtLastPublish,
    PublisherState publisher,
    byte[] trainerState) {

  static final int MAGIC = 0x4354524B;
  static final int FORMAT_VERSION = 1;

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(trainerState.length + 128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(modelName);
      out.writeLong(examplesTrained);
      out.writeLong(examplesAtLastPublish);
      out.writeLong(publisher.lastVersion());
      out.writeInt(publisher.deltasSinceSnapshot());
      out.writeBoolean(publisher.snapshotDue());
      out.writeInt(trainerState.length);
      out.write(trainerState);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalStateException naming what is wrong with the bytes
   */
  public static ModelCheckpoint fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalStateException(
            "not a trainer checkpoint entry: magic 0x%08X, expected 0x%08X (\"CTRK\")"
                .formatted(magic, MAGIC));
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalStateException(
            "trainer checkpoint entry has format version "
                + version
                + "; this job reads version "
                + FORMAT_VERSION
                + " only");
      }
      String name = in.readUTF();
      long trained = in.readLong();
      long atPublish = in.readLong();
      PublisherState publisher = new PublisherState(in.readLong(), in.readInt(), in.readBoolean());
      int length = in.readInt();
      if (length < 0 || length != in.available()) {
        throw new IllegalStateException(
            "trainer checkpoint entry of '"
                + name
                + "' announces "
                + length
                + " bytes of trainer state, has "
                + in.available());
      }
      return new ModelCheckpoint(name, trained, atPublish, publisher, in.readNBytes(length));
    } catch (IOException e) {
      throw new IllegalStateException("truncated trainer checkpoint entry: " + e, e);
    }
  }
}
