package org.ctrflow.labelqueue.http;

import java.util.Locale;

/** What an API token may do. An admin may do everything a labeler may. */
public enum Role {
  /** Lease, label and skip tasks; read tasks and stats. */
  LABELER,
  /** Also manage web hook subscribers. */
  ADMIN;

  public boolean allows(Role required) {
    return this == ADMIN || this == required;
  }

  static Role parse(String s, String where) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": role must be 'labeler' or 'admin'; was '" + s + "'", e);
    }
  }
}
