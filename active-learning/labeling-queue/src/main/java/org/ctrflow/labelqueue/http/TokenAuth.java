package org.ctrflow.labelqueue.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ctrflow.connectors.events.EventRules;

/**
 * API tokens with roles. Tokens come from a file or an environment variable, one entry per line (or
 * comma-separated in the variable): {@code name:role:token}, e.g. {@code alice:labeler:3f9a...}.
 * Only SHA-256 digests of the tokens are kept, and a presented token is compared with every known
 * digest in constant time, so neither timing nor a heap dump reveals a token. Tokens are never
 * logged; {@link #toString()} shows names and roles only.
 */
public final class TokenAuth {

  /** An authenticated caller. */
  public record Principal(String name, Role role) {}

  private record Entry(String name, Role role, byte[] digest) {}

  private final List<Entry> entries;

  private TokenAuth(List<Entry> entries) {
    this.entries = entries;
  }

  /** Parses token entries; {@code source} names where they came from, for error messages. */
  public static TokenAuth parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    int n = 0;
    for (String raw : text.split("[,\\n]")) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(":", 3);
      String where = source + " entry " + n;
      if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
        throw new IllegalArgumentException(
            where + ": expected name:role:token, e.g. alice:labeler:<at least 16 characters>");
      }
      if (parts[0].strip().length() > EventRules.MAX_ID_LENGTH) {
        // The name is the labeler of every label given with the token.
        throw new IllegalArgumentException(
            where + ": a name has at most " + EventRules.MAX_ID_LENGTH + " characters");
      }
      if (parts[2].length() < 16) {
        throw new IllegalArgumentException(where + ": a token needs at least 16 characters");
      }
      entries.add(
          new Entry(parts[0].strip(), Role.parse(parts[1], where), digest(parts[2].strip())));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(
          source + " holds no tokens; add name:role:token entries (roles: labeler, admin)");
    }
    return new TokenAuth(entries);
  }

  public static TokenAuth fromFile(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), "token file " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + file, e);
    }
  }

  /** The caller of {@code Authorization: Bearer <token>}, if the token is known. */
  public Optional<Principal> authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return Optional.empty();
    }
    byte[] presented = digest(authorizationHeader.substring(7).strip());
    Entry match = null;
    for (Entry e : entries) {
      // Every entry is compared: the time taken does not depend on which one matches.
      if (MessageDigest.isEqual(e.digest, presented)) {
        match = e;
      }
    }
    return match == null ? Optional.empty() : Optional.of(new Principal(match.name, match.role));
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TokenAuth" + entries.stream().map(e -> e.name + "(" + e.role + ")").toList();
  }
}
