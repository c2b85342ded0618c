package org.ctrflow.launcher.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  private final StringWriter text = new StringWriter();

  @Test
  void onATerminalTheBarIsRedrawnInPlace() {
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, 200);
    progress.update(50, "50 rows");
    progress.update(200, "200 rows");
    progress.finish();
    assertThat(text.toString())
        .startsWith("\r[#######                       ]  25.0% 50 rows\u001b[K")
        .contains("\r[" + "#".repeat(30) + "] 100.0% 200 rows")
        .endsWith(System.lineSeparator())
        .doesNotContain("rows" + System.lineSeparator() + "\r");
  }

  @Test
  void elsewhereEachUpdateIsALineAndAnUnknownTotalShowsNoBar() {
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), false, 0);
    progress.update(1, "1 row");
    progress.update(2, "2 rows");
    progress.finish();
    assertThat(text.toString().lines()).containsExactly("1 row", "2 rows");
  }
}
