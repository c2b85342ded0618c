package org.ctrflow.connectors.config;

import java.util.List;

/**
 * The Markdown reference table of a set of {@link ConfigKey}s, as the docs show it: name, default,
 * accepted values and description, each read from the declaration.
 */
public final class ReferenceTable {

  private ReferenceTable() {}

  /**
   * @param prefix written before each name, e.g. {@code --} for command-line options
   */
  public static String markdown(List<ConfigKey<?>> keys, String prefix) {
    StringBuilder out =
        new StringBuilder("| setting | default | accepted values | description |\n");
    out.append("|---|---|---|---|\n");
    for (ConfigKey<?> key : keys) {
      String fallback = key.defaultText() == null ? "" : key.defaultText();
      out.append("| `")
          .append(prefix)
          .append(key.name())
          .append("` | ")
          .append(fallback.isEmpty() ? "" : "`" + fallback + "`")
          .append(" | ")
          .append(escape(key.accepted()))
          .append(" | ")
          .append(escape(key.description()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
