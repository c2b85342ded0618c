package org.ctrflow.labelqueue.hooks;

/**
 * One event on its way to one subscriber, kept in the hook outbox until the subscriber answers 2xx.
 *
 * @param seq outbox key
 * @param messageId the {@code webhook-id}: the same on every retry, so receivers can deduplicate
 * @param subscriberId the receiver
 * @param payload the JSON body, exactly as signed
 * @param attempts attempts made so far
 * @param nextAttemptAt epoch ms of the next attempt
 */
public record HookDelivery(
    long seq,
    String messageId,
    String subscriberId,
    String payload,
    int attempts,
    long nextAttemptAt) {

  public HookDelivery retryAt(long when) {
    return new HookDelivery(seq, messageId, subscriberId, payload, attempts + 1, when);
  }
}
