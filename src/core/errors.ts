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
  invalid_json: 400,
  invalid_event: 400,
} as const;

/** The stable, machine-readable reason a delivery was refused. */
export type WebhookErrorCode = keyof typeof STATUS;

/** The HTTP status to answer with: 400 bad delivery, 413 too large, 500 our own misconfiguration. */
export type WebhookErrorStatus = (typeof STATUS)[WebhookErrorCode];

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
 *   if (err instanceof WebhookVerificationError) {
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
  }
}

/** Throws; typed `never` so callers narrow after it. `cause` keeps the underlying error, if any. */
export function fail(code: WebhookErrorCode, message: string, cause?: unknown): never {
  throw new WebhookVerificationError(code, message, cause === undefined ? undefined : { cause });
}
