/**
 * Constant-time secret comparison (AU-09). Both sides are HMAC'd with a per-process random key
 * first, so timingSafeEqual always compares 32 bytes: unequal lengths neither throw nor show
 * in the timing, and the secret's length is never compared directly.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';

// A KeyObject made once: a Buffer key is imported into a new key object on every createHmac.
const KEY = createSecretKey(randomBytes(32));

function digest(value: string): Buffer {
  return createHmac('sha256', KEY).update(value, 'utf8').digest();
}

/**
 * The configured secrets' digests, kept between handshakes (one HMAC per attempt, not two).
 * Looked up by the secret itself: both sides of that comparison are the server's own values.
 */
const expectedDigests = new Map<string, Buffer>();

function expectedDigest(expected: string): Buffer {
  let cached = expectedDigests.get(expected);
  if (cached === undefined) {
    // A rotation leaves old entries behind: a handful is plenty (password, token, generated token).
    if (expectedDigests.size >= 8) expectedDigests.clear();
    cached = digest(expected);
    expectedDigests.set(expected, cached);
  }
  return cached;
}

/** False for anything but two equal strings; never throws. */
export function safeEqualSecret(provided: unknown, expected: unknown): boolean {
  if (typeof provided !== 'string' || typeof expected !== 'string' || expected === '') return false;
  return timingSafeEqual(digest(provided), expectedDigest(expected));
}

/** A stable stand-in for a secret (to notice rotation) that reveals nothing about it. */
export function secretFingerprint(value: string | undefined): string {
  return value === undefined ? '' : digest(value).toString('base64url');
}
