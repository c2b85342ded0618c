package org.ctrflow.jobs.submit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.connectors.config.RenamedOptions;

/**
 * A job's {@code main} arguments, {@code --key value} pairs, read into a Flink {@link
 * Configuration} against the job's declared options. An unknown key, a key without a value or a
 * value of the wrong type fails with a message that names the option and says what a valid value
 * looks like, before any Flink machinery starts. Durations are read in {@link Durations}' syntax
 * only (Flink would also take ISO-8601 and a bare number of milliseconds), like every other ctrflow
 * duration; an option renamed when its unit moved into the value names its new form.
 */
public final class JobArguments {

  private JobArguments() {}

  /**
   * Parses {@code args} for a job declaring {@code options}.
   *
   * @throws IllegalArgumentException naming the offending argument
   */
  public static Configuration parse(String[] args, Collection<ConfigOption<?>> options) {
    Map<String, ConfigOption<?>> known = new HashMap<>();
    options.forEach(o -> known.put(o.key(), o));
    Configuration config = new Configuration();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '"
                + arg
                + "': arguments are --key value pairs, e.g. --topic-prefix ctrflow");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + key + ": needs a value");
      }
      ConfigOption<?> option = known.get(key);
      if (option == null) {
        String given = "--" + key;
        throw new IllegalArgumentException(
            RenamedOptions.replacement(given, value)
                .orElse(
                    given + ": unknown option; valid options: " + new TreeSet<>(known.keySet())));
      }
      config.setString(key, value);
      try {
        if (config.get(option) instanceof Duration) {
          Durations.parse(value);
        }
      } catch (IllegalArgumentException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new IllegalArgumentException(
            "--"
                + key
                + ": '"
                + value
                + "' is not valid ("
                + cause.getMessage()
                + ")"
                + (option.hasDefaultValue() ? "; e.g. " + example(option.defaultValue()) : ""),
            e);
      }
    }
    List<String> missing = new ArrayList<>();
    for (ConfigOption<?> option : options) {
      if (!option.hasDefaultValue() && !config.contains(option)) {
        missing.add("--" + option.key());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing required option(s): " + missing);
    }
    return config;
  }

  private static String example(Object value) {
    return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
  }
}
