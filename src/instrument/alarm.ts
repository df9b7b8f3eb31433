import {
  fail,
  isWebhookVerificationError,
  type WebhookErrorCode,
  type WebhookVerificationError,
} from '../core/errors.js';

/**
 * A run of refusals with no acceptance between them, as the alarm reports it.
 *
 * @example
 * ```ts
 * const alarm = createRefusalAlarm({
 *   onAlarm: ({ consecutive, codes }) => console.error(`${consecutive} refused in a row`, codes),
 * });
 * ```
 */
export interface RefusalStreak {
  /** Refusals in a row so far: the threshold, when the alarm sounds. */
  readonly consecutive: number;
  /** The latest refusal's code. */
  readonly code: WebhookErrorCode;
  /** How many refusals of the streak had each code. */
  readonly codes: Readonly<Partial<Record<WebhookErrorCode, number>>>;
  /** The latest refusal. */
  readonly error: WebhookVerificationError;
}

/**
 * Options of `createRefusalAlarm`.
 *
 * @example
 * ```ts
 * const options: RefusalAlarmOptions = { threshold: 5, onAlarm: (streak) => console.error(streak.code) };
 * const alarm = createRefusalAlarm(options);
 * ```
 */
export interface RefusalAlarmOptions {
  /** Refusals in a row, with no acceptance between, that sound the alarm; default 10. */
  threshold?: number | undefined;
  /**
   * Called once per streak, when it reaches `threshold`; default: one `console.warn` naming the
   * codes and what is at stake. What it throws is ignored.
   */
  onAlarm?: ((streak: RefusalStreak) => void) | undefined;
}

/**
 * Counts refusals in a row for one receiver, and sounds once per streak when the count reaches
 * its threshold; an acceptance ends the streak. The adapters feed it; with the core's `unwrap`,
 * feed it yourself.
 *
 * @example
 * ```ts
 * const alarm: RefusalAlarm = createRefusalAlarm();
 * await unwrapRequest(request, { refusalAlarm: alarm });
 * console.log(alarm.consecutive); // 0 after an acceptance
 * ```
 */
export interface RefusalAlarm {
  /**
   * Counts a refusal. Only a `WebhookVerificationError` counts: anything else is a fault of the
   * caller's code, not a delivery refused.
   *
   * @example
   * ```ts
   * try {
   *   return unwrap(body, headers);
   * } catch (err) {
   *   alarm.refused(err);
   *   throw err;
   * }
   * ```
   */
  refused(error: unknown): void;
  /**
   * Ends the streak: a delivery was accepted.
   *
   * @example
   * ```ts
   * const event = unwrap(body, headers);
   * alarm.accepted();
   * ```
   */
  accepted(): void;
  /** Refusals since the last acceptance. */
  readonly consecutive: number;
}

const DEFAULT_THRESHOLD = 10;

/**
 * An alarm for a receiver that refuses every delivery — most often a wrong or rotated signing
 * secret. The platform disables an endpoint after sustained failures, and nothing sent while it is
 * disabled is replayed, so a streak of refusals is worth a page before that happens.
 *
 * Every adapter (`unwrapRequest`, `unwrapNodeRequest`, `unwrapLambdaEvent` and the `verify…`
 * ones) already feeds one alarm shared by the whole process, with the defaults. Create your own
 * and pass it as the adapters' `refusalAlarm` option to choose the threshold or the reaction, or
 * one per endpoint when a process serves several (each with its own secret), so that one
 * endpoint's acceptances do not hide the other's refusals. Bad options throw
 * `WebhookVerificationError` with code `invalid_options`.
 *
 * @example
 * ```ts
 * const alarm = createRefusalAlarm({
 *   threshold: 20,
 *   onAlarm: ({ consecutive, code }) => pager.trigger(`webhooks: ${consecutive} refused in a row (${code})`),
 * });
 * const event = await unwrapRequest(request, { refusalAlarm: alarm });
 * ```
 */
export function createRefusalAlarm(options: RefusalAlarmOptions = {}): RefusalAlarm {
  if (typeof options !== 'object' || options === null) {
    fail('invalid_options', 'createRefusalAlarm takes an options object such as { threshold: 10 }, or nothing.');
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    fail(
      'invalid_options',
      `createRefusalAlarm: threshold must be a whole number >= 1 (refusals in a row); leave it out for the default of ${DEFAULT_THRESHOLD}.`,
    );
  }
  const onAlarm = options.onAlarm ?? warn;
  if (typeof onAlarm !== 'function') fail('invalid_options', 'createRefusalAlarm: onAlarm must be a function.');
  let consecutive = 0;
  let codes: Partial<Record<WebhookErrorCode, number>> = {};
  return {
    get consecutive() {
      return consecutive;
    },
    accepted() {
      if (consecutive !== 0) {
        consecutive = 0;
        codes = {};
      }
    },
    refused(error) {
      if (!isWebhookVerificationError(error)) return;
      consecutive++;
      codes[error.code] = (codes[error.code] ?? 0) + 1;
      if (consecutive !== threshold) return;
      try {
        onAlarm({ consecutive, code: error.code, codes: { ...codes }, error });
      } catch {
        // The alarm must not turn a refusal into a different failure.
      }
    },
  };
}

/** What the default alarm says: the codes, what is at stake, and the usual fix for the latest code. */
export function alarmMessage(streak: RefusalStreak): string {
  const codes = Object.entries(streak.codes)
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ');
  return (
    `managed-agents-webhooks: ${streak.consecutive} webhook deliveries in a row were refused (${codes}) and none was accepted. ` +
    'If these are deliveries from Anthropic, the platform disables an endpoint after sustained failures, and nothing sent while it is disabled is replayed. ' +
    (HINTS[streak.code] ?? 'See this code in the Troubleshooting page of the docs (docs/troubleshooting.md).')
  );
}

const SECRET_HINT =
  "Check that the secret (the secret option or ANTHROPIC_WEBHOOK_SIGNING_KEY) is this endpoint's whsec_ signing secret, including after a rotation.";

const HINTS: Partial<Record<WebhookErrorCode, string>> = {
  invalid_signature: SECRET_HINT,
  missing_secret: SECRET_HINT,
  invalid_secret: SECRET_HINT,
  timestamp_too_old: "Check this host's clock (NTP).",
  timestamp_too_new: "Check this host's clock (NTP).",
  invalid_body: 'Keep the raw body for this route: nothing may parse it before the adapter.',
  missing_header: 'Check that a proxy in front of this receiver forwards the webhook-* headers.',
};

function warn(streak: RefusalStreak): void {
  console.warn(alarmMessage(streak));
}

const SHARED_ALARM: unique symbol = Symbol.for('managed-agents-webhooks.refusal-alarm');

let shared: RefusalAlarm | undefined;

/**
 * The alarm adapters use when given none: one per process, on `globalThis`, so the ESM and
 * CommonJS builds count one streak. Per process because a process usually serves one endpoint,
 * and an alarm held in each call's options would restart at every call that builds its options
 * anew (as most examples do).
 */
export function sharedAlarm(): RefusalAlarm {
  return (shared ??= (globalThis as { [SHARED_ALARM]?: RefusalAlarm })[SHARED_ALARM] ??= createRefusalAlarm());
}
