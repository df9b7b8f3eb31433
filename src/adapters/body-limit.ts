import { WebhookVerificationError, checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import type { VerifyOptions } from '../core/verify.js';
import type { ReceiveHooks } from '../instrument/receive.js';

/** The adapters' options: the core's, caps on how much of a body is read and for how long, and the refusal hooks. */
export interface RequestVerifyOptions extends VerifyOptions, ReceiveHooks {
  /**
   * The largest body read, in bytes; default 1 MiB (1048576), `Infinity` turns the limit off.
   * A bigger body is refused with `body_too_large` (status 413) before it is all buffered.
   */
  maxBodyBytes?: number | undefined;
  /**
   * How long reading the whole body may take, in milliseconds; default 10,000, `Infinity` turns
   * the limit off. A body still incomplete by then is refused with `body_timeout` (status 408),
   * so a sender that stalls or drips its body cannot hold the handler open.
   */
  readTimeoutMs?: number | undefined;
}

/** A delivery of at most 1 MiB arrives in well under a second; 10 s leaves room for a slow link. */
export const DEFAULT_READ_TIMEOUT_MS: number = 10_000;

/** The adapters' own options, checked once before any of the body is read. */
export interface BodyReadLimits {
  maxBodyBytes: number;
  readTimeoutMs: number;
}

/** Checks the options object and its `maxBodyBytes` and `readTimeoutMs`. */
export function resolveBodyReadLimits(options: RequestVerifyOptions): BodyReadLimits {
  checkOptions(options, 'The options');
  return {
    maxBodyBytes: resolveMaxBodyBytes(options.maxBodyBytes),
    readTimeoutMs: resolveReadTimeoutMs(options.readTimeoutMs),
  };
}

/** Checks `readTimeoutMs`: milliseconds in the timer range, or `Infinity`. */
export function resolveReadTimeoutMs(ms: unknown): number {
  // Capped at the longest timer: a bigger one would fire after 1 ms and refuse every delivery.
  return durationOption(ms, 'readTimeoutMs', {
    unit: 'ms',
    fallback: DEFAULT_READ_TIMEOUT_MS,
    kind: 'limit',
  });
}

/** The refusal for a body not complete within `readTimeoutMs`. */
export function bodyTimeout(ms: number, received: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_timeout',
    `The request body was not complete within ${ms} ms (readTimeoutMs; ${received} bytes had arrived), so reading stopped. A sender that stalls or drips its body is refused; if this link is genuinely that slow, raise readTimeoutMs.`,
  );
}

/**
 * Deliveries are a small JSON envelope: 1 MiB leaves room for growth and bounds the memory a
 * sender can make a receiver hold.
 */
export const DEFAULT_MAX_BODY_BYTES: number = 1024 * 1024;

/** Checks `maxBodyBytes` once, before any of the body is read. */
export function resolveMaxBodyBytes(max: unknown): number {
  if (max === undefined) return DEFAULT_MAX_BODY_BYTES;
  if (typeof max !== 'number' || !(max >= 0)) {
    fail(
      'invalid_options',
      `maxBodyBytes must be a number of bytes >= 0 (Infinity turns the limit off); leave it out for the default of ${DEFAULT_MAX_BODY_BYTES}.`,
    );
  }
  return max;
}

/**
 * Refuses a body whose `content-length` is already over the limit, so none of it is read.
 * A malformed or repeated header is left to the HTTP layer: the running count still applies.
 */
export function checkContentLength(header: string | readonly string[] | null | undefined, max: number): void {
  if (typeof header !== 'string' || !/^\d+$/.test(header)) return;
  const declared = Number(header);
  if (declared > max) tooLarge(max, `content-length declares ${declared} bytes, so none of it was read`);
}

/** Refuses bytes that are already in memory (a framework read them) but over the limit. */
export function checkLength(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length > max) tooLarge(max, `it is ${bytes.length} bytes`);
  return bytes;
}

/** Gathers a body chunk by chunk; `add` throws `body_too_large` as soon as the total passes the limit. */
export interface BodyCollector {
  add(chunk: Uint8Array | string): void;
  bytes(): Uint8Array;
  /** How many bytes were added so far. */
  received(): number;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** A collector that holds at most `max` bytes, however long the stream runs. */
export function collectBody(max: number): BodyCollector {
  const chunks: Uint8Array[] = [];
  let total = 0;
  return {
    add(chunk) {
      // A string chunk means someone called setEncoding on the stream; its bytes are the UTF-8 of it.
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      total += bytes.length;
      if (total > max) tooLarge(max, 'reading stopped as soon as it passed the limit');
      chunks.push(bytes);
    },
    received: () => total,
    bytes() {
      if (chunks.length === 1) return chunks[0] as Uint8Array;
      const out = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.length;
      }
      return out;
    },
  };
}

/**
 * The refusal of a body over `maxBodyBytes` (413), with `detail` saying how it was measured.
 *
 * @example
 * ```ts
 * if (bytes.length > max) tooLarge(max, `it is ${bytes.length} bytes`);
 * ```
 */
export function tooLarge(max: number, detail: string): never {
  return fail(
    'body_too_large',
    `The request body is over the ${max}-byte limit (maxBodyBytes): ${detail}. Managed Agents deliveries are small JSON envelopes; if this one is genuine, raise maxBodyBytes.`,
  );
}
