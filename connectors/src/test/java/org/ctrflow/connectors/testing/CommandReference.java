package org.ctrflow.connectors.testing;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Renders a picocli command and its subcommands as Markdown: a heading per command, its
 * description, and a table of its options with their defaults, straight from the declarations, so
 * the configuration reference cannot drift from the code ({@link GeneratedDocs} checks it).
 */
public final class CommandReference {

  private CommandReference() {}

  /**
   * @param command the command, as its program builds it
   * @param headingLevel Markdown heading level of the top command, e.g. 3 for {@code ###}
   * @param skip qualified names of subcommands to leave out with their children, e.g. {@code
   *     "ctrflow help"}
   */
  public static String markdown(CommandLine command, int headingLevel, List<String> skip) {
    StringBuilder out = new StringBuilder();
    render(command.getCommandSpec(), headingLevel, skip, out);
    return out.toString();
  }

  private static void render(CommandSpec spec, int level, List<String> skip, StringBuilder out) {
    if (skip.contains(spec.qualifiedName())) {
      return;
    }
    List<OptionSpec> options =
        spec.options().stream()
            .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
            .toList();
    if (!options.isEmpty() || !spec.positionalParameters().isEmpty()) {
      out.append("#".repeat(level)).append(" `").append(spec.qualifiedName()).append("`\n\n");
      String description = oneLine(spec.usageMessage().description());
      if (!description.isEmpty()) {
        out.append(description).append("\n\n");
      }
      out.append("| option | default | description |\n|---|---|---|\n");
      for (var positional : spec.positionalParameters()) {
        if (!positional.hidden()) {
          row(out, "`" + positional.paramLabel() + "`", positional);
        }
      }
      for (OptionSpec option : options) {
        row(out, "`" + String.join("`, `", option.names()) + "`", option);
      }
      out.append('\n');
    }
    List<CommandLine> children = new ArrayList<>(spec.subcommands().values());
    children.stream()
        .map(CommandLine::getCommandSpec)
        .distinct()
        .forEach(child -> render(child, level, skip, out));
  }

  private static void row(StringBuilder out, String names, ArgSpec arg) {
    String fallback = arg.defaultValueString();
    // picocli writes "null" for an option without a default
    boolean none = fallback == null || fallback.isEmpty() || fallback.equals("null");
    String shown = none ? "" : "`" + fallback + "`";
    out.append("| ")
        .append(names)
        .append(" | ")
        .append(shown)
        .append(" | ")
        .append(oneLine(arg.renderedDescription()))
        .append(" |\n");
  }

  private static String oneLine(String[] lines) {
    return String.join(" ", lines)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replaceAll("\\s+", " ")
        .strip();
  }
}
