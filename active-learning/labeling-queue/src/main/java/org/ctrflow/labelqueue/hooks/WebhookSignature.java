package org.ctrflow.labelqueue.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code webhook-signature} is
 * {@code v1,} + base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body)), the secret is
 * {@code whsec_} + base64 of its key bytes. Several space-separated signatures may be sent (key
 * rotation); one valid one suffices.
 */
public final class WebhookSignature {

  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";

  private static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private WebhookSignature(byte[] key) {
    this.key = key;
  }

  /**
   * A signer/verifier for a {@code whsec_...} secret.
   *
   * @throws IllegalArgumentException when the secret is not {@code whsec_} + base64
   */
  public static WebhookSignature of(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "a web hook secret must look like whsec_<base64 key bytes>, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
      if (key.length < 16) {
        throw new IllegalArgumentException(
            "a web hook secret needs at least 16 key bytes; was " + key.length);
      }
      return new WebhookSignature(key);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("a web hook")) {
        throw e;
      }
      throw new IllegalArgumentException("a web hook secret's key after whsec_ must be base64", e);
    }
  }

  /** A fresh secret with 24 random key bytes. */
  public static String newSecret() {
    byte[] key = new byte[24];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value for one message. */
  public String sign(String id, long timestampSeconds, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(id, timestampSeconds, body));
  }

  /**
   * Whether {@code signatureHeader} holds a valid v1 signature of the message and the timestamp is
   * within {@code tolerance} of {@code nowSeconds} (replay protection). Compares in constant time.
   */
  public boolean verify(
      String id,
      String timestampHeader,
      byte[] body,
      String signatureHeader,
      long nowSeconds,
      Duration tolerance) {
    if (id == null || id.isBlank() || timestampHeader == null || signatureHeader == null) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - timestamp) > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = hmac(id, timestamp, body);
    boolean valid = false;
    for (String part : signatureHeader.trim().split(" ")) {
      if (!part.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(part.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // No early exit: every candidate is compared, each in constant time.
      valid |= MessageDigest.isEqual(expected, given);
    }
    return valid;
  }

  private byte[] hmac(String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }
}
