/**
 * Every way a delivery can be refused, with the HTTP status a receiver should answer.
 *
 * 500 is reserved for our own misconfiguration (no secret, a malformed secret, bad options):
 * the sender then retries later, so no event is lost while the deployment is being fixed.
 */
const STATUS = {
  missing_secret: 500,
  invalid_secret: 500,
  invalid_options: 500,
  missing_header: 400,
  invalid_header: 400,
  invalid_timestamp: 400,
  timestamp_too_old: 400,
  timestamp_too_new: 400,
  invalid_signature: 400,
  invalid_body: 400,
  body_too_large: 413,
  body_timeout: 408,
  invalid_json: 400,
  invalid_event: 400,
} as const;

/** The stable, machine-readable reason a delivery was refused. */
export type WebhookErrorCode = keyof typeof STATUS;

/**
 * The HTTP status to answer with: 400 bad delivery, 408 body too slow, 413 too large, 500 our own
 * misconfiguration.
 */
export type WebhookErrorStatus = (typeof STATUS)[WebhookErrorCode];

// A registry symbol, not a module-local one: two copies of this package in one app (its ESM and
// CJS builds, or two versions) each define their own class, so `instanceof` fails across them,
// but both brand their errors with the same `Symbol.for` key.
const BRAND = Symbol.for('managed-agents-webhooks.WebhookVerificationError');

/**
 * The one error this library throws for a refused delivery or a misconfiguration.
 *
 * Switch on `code` (stable across versions), answer with `status`. The message says how to fix
 * the problem and never contains a secret or the expected signature.
 *
 * @example
 * ```ts
 * try {
 *   const event = unwrap(body, headers);
 * } catch (err) {
 *   if (isWebhookVerificationError(err)) {
 *     return new Response(err.message, { status: err.status });
 *   }
 *   throw err;
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookErrorCode;
  readonly status: WebhookErrorStatus;

  constructor(code: WebhookErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
    // Non-enumerable, so it stays out of logs and JSON.
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `err` is a `WebhookVerificationError` from any copy of this package. Prefer it to
 * `instanceof`, which is false when the error comes from the CommonJS build and the class from the
 * ESM build (or another installed version) — a split that bundlers and test runners produce.
 *
 * @example
 * ```ts
 * try {
 *   const event = unwrap(body, headers);
 * } catch (err) {
 *   if (isWebhookVerificationError(err)) return new Response(err.message, { status: err.status });
 *   throw err;
 * }
 * ```
 */
export function isWebhookVerificationError(err: unknown): err is WebhookVerificationError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** Throws; typed `never` so callers narrow after it. `cause` keeps the underlying error, if any. */
export function fail(code: WebhookErrorCode, message: string, cause?: unknown): never {
  throw new WebhookVerificationError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * `null` and non-objects slip past a default parameter, and reading a field of them would throw a
 * TypeError; a secret string passed where the options go is the usual cause. `example` shows the
 * caller what belongs there.
 */
export function checkOptions(options: unknown, what: string, example = "{ secret: 'whsec_…' }"): void {
  if (typeof options !== 'object' || options === null) {
    fail(
      'invalid_options',
      `${what} must be an object such as ${example}, or left out; got ${options === null ? 'null' : typeof options}.`,
    );
  }
}
