/**
 * Secrets (passwords, shared CRAM-MD5 secrets) wrapped so that they never reach a log line, an error message or a
 * JSON dump by accident: every way of turning one into text gives `[secret]`. The bytes come out only through
 * {@link Secret.reveal}, which says what it does at the call site.
 */
import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

export class Secret {
  readonly #bytes: Buffer;

  constructor(value: Buffer | string) {
    this.#bytes = Buffer.from(value);
  }

  /** The secret's bytes. The caller owns the copy and should not keep it. */
  reveal(): Buffer {
    return Buffer.from(this.#bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** Compares in time independent of where the bytes differ (the lengths may leak). */
  equals(other: Secret | Buffer | string): boolean {
    const b = other instanceof Secret ? other.#bytes : Buffer.from(other);
    if (b.length !== this.#bytes.length) {
      // Still spend the time of a comparison, so a wrong length is not much faster to learn.
      timingSafeEqual(this.#bytes, this.#bytes);
      return false;
    }
    return timingSafeEqual(this.#bytes, b);
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}

/** Constant-time comparison of two byte strings of possibly different lengths. */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  return new Secret(a).equals(b);
}
