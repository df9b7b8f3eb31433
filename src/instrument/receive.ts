import { fail, isWebhookVerificationError, type WebhookVerificationError } from '../core/errors.js';
import { sharedAlarm, type RefusalAlarm } from './alarm.js';
import { instrumentation, type AdapterName, type ReceiveObservation } from './hook.js';
import { webhookIdOf } from './webhook-id.js';

/**
 * What `onRefused` is told besides the error.
 *
 * @example
 * ```ts
 * const onRefused = (error: WebhookVerificationError, { adapter, webhookId }: RefusalContext): void =>
 *   console.warn(`${adapter} refused ${webhookId ?? 'a delivery'}: ${error.code}`);
 * ```
 */
export interface RefusalContext {
  /** The adapter that refused: `'node'`, `'web'` or `'lambda'`. */
  readonly adapter: AdapterName;
  /** The delivery's `webhook-id` header as sent (at most 256 characters), when it had one. */
  readonly webhookId: string | undefined;
}

/**
 * The adapters' hooks for refused deliveries, beside their verification options (the node, web
 * and Lambda adapters take them all).
 *
 * @example
 * ```ts
 * const event = await unwrapNodeRequest(req, {
 *   onRefused: (error, { webhookId }) => metrics.increment('webhook.refused', { code: error.code }),
 *   refusalAlarm: createRefusalAlarm({ onAlarm: ({ code }) => pager.trigger(`webhooks refused: ${code}`) }),
 * });
 * ```
 */
export interface ReceiveHooks {
  /**
   * Called with every `WebhookVerificationError` the adapter throws, before it is thrown — for a
   * log line or a metric without OpenTelemetry. What it throws (or rejects with) is ignored.
   */
  onRefused?: ((error: WebhookVerificationError, context: RefusalContext) => unknown) | undefined;
  /**
   * The alarm this receiver's refusals and acceptances feed (see `createRefusalAlarm`); default
   * one shared by the whole process (10 refusals in a row → one `console.warn`); `false` feeds none.
   */
  refusalAlarm?: RefusalAlarm | false | undefined;
}

/**
 * One delivery being received: the adapter reports how it ended, inside its own try/catch, so
 * watching adds no promise and no frame to a delivery.
 *
 * ```ts
 * const watch = watchReceive('node', options, () => req.headers);
 * try {
 *   return watch.accepted(unwrap(await readBody(req), req.headers, options));
 * } catch (error) {
 *   throw watch.refused(error);
 * }
 * ```
 */
export interface ReceiveWatch {
  /** Tells the alarm and the telemetry; returns `result`. */
  accepted<T>(result: T): T;
  /** Tells the telemetry, `onRefused` and the alarm; returns `error`, to be thrown. */
  refused(error: unknown): unknown;
}

/**
 * Starts watching a delivery: checks the hook options (throwing `invalid_options`), picks the
 * alarm, and starts the receive span when telemetry is on. `headers` is only called when the
 * `webhook-id` is wanted: by the telemetry, or for `onRefused`.
 */
export function watchReceive(adapter: AdapterName, options: unknown, headers: () => unknown): ReceiveWatch {
  const alarm = alarmOf(options);
  const telemetry = instrumentation();
  if (telemetry === undefined) {
    // The usual case: nothing but the shared alarm to tell, and no object made per delivery.
    if (alarm === sharedAlarm() && (options as ReceiveHooks | null | undefined)?.onRefused === undefined) {
      // Holds nothing of this delivery: its headers are read only for a hook or the telemetry.
      return (plain ??= new Watch(adapter, undefined, () => undefined, alarm, undefined));
    }
    return new Watch(adapter, options, headers, alarm, undefined);
  }
  return new Watch(adapter, options, headers, alarm, telemetry.receive(adapter, webhookIdOf(headers)));
}

/** The watch of a delivery with the shared alarm, no hook and no telemetry: it needs no state of its own. */
let plain: Watch | undefined;

class Watch implements ReceiveWatch {
  constructor(
    private readonly adapter: AdapterName,
    private readonly options: unknown,
    private readonly headers: () => unknown,
    private readonly alarm: RefusalAlarm | undefined,
    private readonly observation: ReceiveObservation | undefined,
  ) {}

  accepted<T>(result: T): T {
    this.alarm?.accepted();
    this.observation?.accepted(result);
    return result;
  }

  refused(error: unknown): unknown {
    this.observation?.refused(error);
    if (!isWebhookVerificationError(error)) return error;
    const onRefused = (this.options as ReceiveHooks | undefined)?.onRefused;
    if (onRefused !== undefined) {
      try {
        const returned = onRefused(error, { adapter: this.adapter, webhookId: webhookIdOf(this.headers) });
        if (returned instanceof Promise) returned.catch(() => {});
      } catch {
        // A hook must not turn a refusal into a different failure.
      }
    }
    this.alarm?.refused(error);
    return error;
  }
}

/** The alarm these options choose, checking both hook options; options that are no object get the shared alarm. */
function alarmOf(options: unknown): RefusalAlarm | undefined {
  if (typeof options !== 'object' || options === null) return sharedAlarm();
  const { onRefused, refusalAlarm } = options as ReceiveHooks;
  if (onRefused !== undefined && typeof onRefused !== 'function') {
    fail('invalid_options', 'onRefused must be a function (error, context) => void, or left out.');
  }
  if (refusalAlarm === undefined) return sharedAlarm();
  if (refusalAlarm === false) return undefined;
  if (typeof refusalAlarm !== 'object' || refusalAlarm === null || typeof refusalAlarm.refused !== 'function') {
    fail(
      'invalid_options',
      'refusalAlarm must be an alarm from createRefusalAlarm(), or false for none; leave it out for the shared one.',
    );
  }
  return refusalAlarm;
}
