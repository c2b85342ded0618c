package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryModelStoreTest {

  @TempDir Path dir;

  @Test
  void storesVersionsUnderTheModelFolderAndFindsTheHighestNumerically() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    assertThat(store.latest("finalmlp")).isEmpty();
    URI v2 = store.put("finalmlp", 2, new byte[] {2});
    URI v10 = store.put("finalmlp", 10, new byte[] {10, 10});
    store.put("dnn", 99, new byte[] {99});

    assertThat(Path.of(v10)).isEqualTo(dir.resolve("finalmlp/10.snapshot"));
    assertThat(store.get(v2)).containsExactly(2);
    assertThat(store.latest("finalmlp")).contains(v10);
    try (Stream<Path> files = Files.list(dir.resolve("finalmlp"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("no temporary files left behind")
          .containsExactlyInAnyOrder("2.snapshot", "10.snapshot");
    }
  }

  @Test
  void ignoresUnfinishedTemporaryFiles() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    URI v1 = store.put("finalmlp", 1, new byte[] {1});
    Files.write(dir.resolve("finalmlp/.incoming-123.tmp"), new byte[] {7});
    assertThat(store.latest("finalmlp")).contains(v1);
  }

  @Test
  void versionsAreImmutable() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    store.put("finalmlp", 1, new byte[] {1});
    assertThatThrownBy(() -> store.put("finalmlp", 1, new byte[] {2}))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(store.get(store.latest("finalmlp").orElseThrow())).containsExactly(1);
  }

  @Test
  void rejectsNamesThatEscapeTheFolderAndLocationsOutsideIt() {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    assertThatThrownBy(() -> store.put("../evil", 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model name must match");
    assertThatThrownBy(() -> store.get(dir.resolve("../elsewhere/1.snapshot").toUri()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not in the model store");
  }
}
