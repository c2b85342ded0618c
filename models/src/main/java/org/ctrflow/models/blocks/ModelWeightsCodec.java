package org.ctrflow.models.blocks;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Versioned container for a model: magic, format version, the config JSON, then DJL's {@code
 * Block.saveParameters} stream. Reading rebuilds the blocks from the config, so a file is
 * self-describing.
 *
 * <pre>
 *   int   magic 0x43545257 ("CTRW")
 *   int   format version (1)
 *   int   n, then n bytes: UTF-8 config JSON ({@link CtrModelConfig#toJson()})
 *   ...   DJL parameters (block versions, input shapes, tensors)
 * </pre>
 */
public final class ModelWeightsCodec {

  public static final int FORMAT_VERSION = 1;

  private static final int MAGIC = 0x43545257;

  private ModelWeightsCodec() {}

  /** Writes the config and the weights of an initialised block. */
  public static void write(CtrModelBlock block, OutputStream out) throws IOException {
    if (!block.isInitialized()) {
      throw new IllegalStateException("cannot save an uninitialised model: initialize or train it");
    }
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(MAGIC);
    data.writeInt(FORMAT_VERSION);
    byte[] json = block.config().toJson().getBytes(StandardCharsets.UTF_8);
    data.writeInt(json.length);
    data.write(json);
    block.saveParameters(data);
    data.flush();
  }

  /**
   * Reads what {@link #write} wrote into fresh blocks whose parameters live on {@code manager}.
   *
   * @throws IOException if the stream is not model weights, has another format version, or is
   *     truncated or inconsistent with its config
   */
  public static CtrModelBlock read(InputStream in, NDManager manager) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          String.format("not ctrflow model weights: magic 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    int version = data.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          "unsupported model weights format version "
              + version
              + "; this build reads version "
              + FORMAT_VERSION);
    }
    byte[] json = data.readNBytes(data.readInt());
    CtrModelBlock block =
        CtrModels.create(CtrModelConfig.fromJson(new String(json, StandardCharsets.UTF_8)));
    try {
      block.loadParameters(manager, data);
    } catch (MalformedModelException e) {
      throw new IOException("model weights do not match their config: " + e.getMessage(), e);
    }
    return block;
  }
}
