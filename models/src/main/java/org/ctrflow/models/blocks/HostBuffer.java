package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies Java arrays into new tensors through one reused direct buffer. {@code
 * NDManager.create(float[])} allocates a fresh direct buffer per call, and touching fresh memory is
 * what costs here: a 2 MB direct buffer took 26-36 ms to allocate on the project's machines (page
 * faults), while PyTorch's own allocations are recycled by the allocator. The tensor returned is a
 * PyTorch-owned copy, so the buffer can be refilled at once, and an autograd graph that keeps the
 * tensor is unaffected.
 *
 * <p>Not thread-safe: one per thread (a trainer, a block in training).
 */
public final class HostBuffer {

  private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

  /**
   * Room for {@code count} floats; write them, then call {@link #toTensor}.
   *
   * @return a float view of the buffer's first {@code count} floats, positioned at 0
   */
  public FloatBuffer floats(int count) {
    return ensure((long) count * Float.BYTES).asFloatBuffer().limit(count);
  }

  /** A tensor holding the first {@code shape.size()} values of {@code data}. */
  public NDArray create(NDManager manager, float[] data, Shape shape) {
    floats(Math.toIntExact(shape.size())).put(data, 0, Math.toIntExact(shape.size()));
    return toTensor(manager, shape, DataType.FLOAT32);
  }

  /** A tensor holding the first {@code shape.size()} values of {@code data}. */
  public NDArray create(NDManager manager, long[] data, Shape shape) {
    int count = Math.toIntExact(shape.size());
    ensure((long) count * Long.BYTES).asLongBuffer().put(data, 0, count);
    return toTensor(manager, shape, DataType.INT64);
  }

  /** A PyTorch-owned copy of the buffer's first values, attached to {@code manager}. */
  public NDArray toTensor(NDManager manager, Shape shape, DataType type) {
    int bytes = Math.toIntExact(shape.size() * type.getNumOfBytes());
    ByteBuffer view = buffer.duplicate().position(0).limit(bytes).slice();
    try (NDArray shared = manager.create(view.order(ByteOrder.nativeOrder()), shape, type)) {
      return shared.duplicate();
    }
  }

  private ByteBuffer ensure(long bytes) {
    if (bytes > buffer.capacity()) {
      // Grow with headroom so batches of slightly varying size do not reallocate.
      long capacity = Math.max(bytes, Math.min(Integer.MAX_VALUE, bytes + bytes / 4));
      buffer = ByteBuffer.allocateDirect(Math.toIntExact(capacity)).order(ByteOrder.nativeOrder());
    }
    return buffer.clear();
  }
}
