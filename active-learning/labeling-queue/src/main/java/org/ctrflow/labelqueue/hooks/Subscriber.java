package org.ctrflow.labelqueue.hooks;

import java.util.Set;

/**
 * A registered web hook subscriber and its delivery health.
 *
 * @param id subscriber id
 * @param url where events are POSTed
 * @param secret the {@code whsec_} signing secret (never returned by list calls)
 * @param events the event types it receives
 * @param enabled false once {@code consecutiveFailures} reached the limit; an admin re-enables it
 * @param consecutiveFailures failed attempts since the last success
 * @param lastError the last failure, for the status page
 * @param createdAt epoch ms
 */
public record Subscriber(
    String id,
    String url,
    String secret,
    Set<HookEventType> events,
    boolean enabled,
    int consecutiveFailures,
    String lastError,
    long createdAt) {

  public Subscriber withFailure(String error, int disableAfter) {
    int failures = consecutiveFailures + 1;
    return new Subscriber(
        id, url, secret, events, enabled && failures < disableAfter, failures, error, createdAt);
  }

  public Subscriber withSuccess() {
    return new Subscriber(id, url, secret, events, enabled, 0, lastError, createdAt);
  }

  public Subscriber reEnabled() {
    return new Subscriber(id, url, secret, events, true, 0, lastError, createdAt);
  }
}
