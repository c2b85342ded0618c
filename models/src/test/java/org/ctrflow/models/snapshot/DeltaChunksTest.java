package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.snapshot.SnapshotFormatException.Reason;
import org.junit.jupiter.api.Test;

class DeltaChunksTest {

  private static final int SIZE = 2 * ModelUpdate.MAX_CHUNK_BYTES + 1000;

  private final byte[] bytes = randomBytes(SIZE, 1);
  private final List<ModelUpdate> chunks = DeltaChunks.split("finalmlp", 4, 5, bytes, 99L);

  @Test
  void splitsIntoBoundedChunksThatReassembleInAnyOrder() throws Exception {
    assertThat(chunks).hasSize(3);
    assertThat(chunks)
        .allSatisfy(
            c -> {
              assertThat(c.kind()).isEqualTo(ModelUpdate.Kind.DELTA);
              assertThat(c.payload().length).isLessThanOrEqualTo(ModelUpdate.MAX_CHUNK_BYTES);
              assertThat(c.sizeBytes()).isEqualTo(SIZE);
              assertThat(c.sha256()).isEqualTo(Framing.sha256Hex(bytes));
              assertThat(c.baseVersion()).isEqualTo(4);
              assertThat(c.version()).isEqualTo(5);
              assertThat(c.chunkCount()).isEqualTo(3);
            });
    List<ModelUpdate> shuffled = new ArrayList<>(chunks);
    Collections.shuffle(shuffled, new Random(3));
    assertThat(DeltaChunks.reassemble(shuffled)).isEqualTo(bytes);
  }

  @Test
  void rejectsAMissingChunk() {
    assertRejected(List.of(chunks.get(0), chunks.get(2)), Reason.MISSING_CHUNK)
        .hasMessageContaining("lacks chunks [1] of 3");
    assertRejected(List.of(), Reason.MISSING_CHUNK).hasMessage("no delta chunks to reassemble");
  }

  @Test
  void rejectsADuplicateChunk() {
    assertRejected(
            List.of(chunks.get(0), chunks.get(1), chunks.get(1), chunks.get(2)),
            Reason.DUPLICATE_CHUNK)
        .hasMessageStartingWith("chunk 1 of 3 appears twice in the delta of ");
  }

  @Test
  void rejectsACorruptedChunkByTheChecksumOfTheWhole() {
    ModelUpdate good = chunks.get(1);
    byte[] payload = good.payload();
    payload[17] ^= 0x40;
    ModelUpdate corrupted = good.toBuilder().optPayload(payload).build();
    assertRejected(List.of(chunks.get(0), corrupted, chunks.get(2)), Reason.CHECKSUM_MISMATCH)
        .hasMessageStartingWith("checksum mismatch in reassembled delta: SHA-256 is ");
  }

  @Test
  void rejectsChunksOfDifferentDeltas() {
    List<ModelUpdate> other = DeltaChunks.split("finalmlp", 5, 6, randomBytes(SIZE, 2), 99L);
    assertRejected(List.of(chunks.get(0), other.get(1), chunks.get(2)), Reason.INCONSISTENT_CHUNKS)
        .hasMessageContaining("does not belong to the delta of");
  }

  @Test
  void aSmallDeltaIsOneChunk() throws Exception {
    List<ModelUpdate> one = DeltaChunks.split("dnn", 1, 2, new byte[10], 1L);
    assertThat(one).singleElement().satisfies(c -> assertThat(c.chunkCount()).isEqualTo(1));
    assertThat(DeltaChunks.reassemble(one)).hasSize(10);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertRejected(List<ModelUpdate> chunks, Reason reason) {
    return assertThatThrownBy(() -> DeltaChunks.reassemble(chunks))
        .isInstanceOfSatisfying(
            SnapshotFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
