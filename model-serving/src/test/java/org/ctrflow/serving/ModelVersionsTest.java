package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap and the warm set on real Servables: a request keeps the version it acquired through an
 * install that evicts it, whose native memory is freed only when that request releases it; a pinned
 * version stays current and warm until unpinned.
 */
@Timeout(120)
class ModelVersionsTest {

  private static final List<FeatureRow> ROW =
      List.of(new FeatureRow(Map.of("user", "3", "item", "1100"), Map.of()));

  @TempDir Path store;

  @Test
  void anEvictedVersionServesItsInFlightRequestAndIsFreedAfterIt() throws Exception {
    List<ModelHandle> handles = handles(4);
    ModelVersions versions = new ModelVersions("finalmlp", 2);
    versions.install(handles.get(0));
    ModelHandle inFlight = versions.acquireCurrent();
    assertThat(inFlight.version()).isEqualTo(1);

    assertThat(versions.install(handles.get(1))).isEmpty();
    assertThat(versions.install(handles.get(2))).containsExactly(1L);
    assertThat(versions.warmVersions()).containsExactly(2L, 3L);
    assertThat(versions.peekCurrent().version()).isEqualTo(3);
    // Evicted but still held: it scores, and it is not freed.
    assertThat(handles.get(0).closed()).isFalse();
    assertThat(inFlight.servable().score(ROW).model().version()).isEqualTo(1);
    inFlight.release();
    assertThat(handles.get(0).closed()).as("freed after its last request").isTrue();
    assertThat(versions.acquire(1)).as("no longer warm").isNull();

    // Evicted while idle: freed at once.
    versions.install(handles.get(3));
    assertThat(handles.get(1).closed()).isTrue();
    assertThat(handles.get(2).closed()).isFalse();
    versions.closeAll();
    assertThat(handles).allSatisfy(h -> assertThat(h.closed()).isTrue());
  }

  @Test
  void aPinnedVersionStaysCurrentAndWarmUntilUnpinned() throws Exception {
    List<ModelHandle> handles = handles(4);
    ModelVersions versions = new ModelVersions("finalmlp", 2);
    versions.install(handles.get(0));
    versions.install(handles.get(1));
    versions.pin(1);
    assertThat(versions.peekCurrent().version()).isEqualTo(1);

    versions.install(handles.get(2));
    versions.install(handles.get(3));
    assertThat(versions.peekCurrent().version()).isEqualTo(1);
    assertThat(versions.warmVersions()).containsExactly(1L, 4L);
    ModelHandle h = versions.acquireCurrent();
    assertThat(h.servable().score(ROW).model().version()).isEqualTo(1);
    h.release();
    assertThatThrownBy(() -> versions.pin(2))
        .hasMessage("version 2 of finalmlp is not warm; warm versions: [1, 4]");

    versions.unpin();
    assertThat(versions.peekCurrent().version()).isEqualTo(4);
    versions.closeAll();
  }

  /** Versions 1..n of a trained model, each from its stored snapshot. */
  private List<ModelHandle> handles(int n) throws Exception {
    DirectoryModelStore models = new DirectoryModelStore(store);
    List<ModelHandle> handles = new ArrayList<>();
    try (TrainerSide trainer = new TrainerSide(store, null, "unused")) {
      for (int i = 0; i < n; i++) {
        URI location = URI.create(trainer.storeSnapshot().location());
        handles.add(new ModelHandle(Servable.load(models.get(location)), 0, 0));
      }
    }
    return handles;
  }
}
