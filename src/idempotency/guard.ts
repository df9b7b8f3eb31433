import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { checkWellFormedId } from '../core/well-formed.js';
import { randomToken } from '../shared/token.js';
import { memoryStore } from './memory-store.js';
import type { ClaimOutcome, IdempotencyStore } from './store.js';

/** Options of `createIdempotencyGuard`. */
export interface IdempotencyGuardOptions {
  /** Where ids are kept; default a `memoryStore()` for this process. */
  store?: IdempotencyStore;
  /**
   * How long a processed id is remembered, in seconds; default 86,400 (a day, longer than Anthropic
   * retries). The same name and meaning as `createEventQueue`'s.
   */
  retentionSeconds?: number;
  /**
   * The former name of `retentionSeconds`; still works. Give one of the two.
   *
   * @deprecated Use `retentionSeconds`, the name every entry uses for how long a handled event is remembered.
   */
  ttlSeconds?: number;
  /** How long a claim lasts before a crashed worker's event may be taken by a retry; default 60 s. */
  lockSeconds?: number;
}

/**
 * What `run` did: called `fn` (with its value), or skipped a duplicate. `inFlight` is true when
 * another run still holds the id: it has not finished, and may yet fail or crash, so answer the
 * sender with a retryable status (e.g. 409) rather than 2xx — a 2xx would acknowledge an event
 * that might never be processed.
 */
export type RunResult<T> = { status: 'processed'; value: T } | { status: 'duplicate'; inFlight: boolean };

/** Runs a handler at most once per event id. */
export interface IdempotencyGuard {
  /**
   * Calls `fn` unless this id is done or in flight; rethrows `fn`'s error after releasing the claim.
   *
   * @example
   * ```ts
   * const result = await guard.run(event.id, () => dispatch(event, handlers));
   * if (result.status === 'duplicate') console.log(result.inFlight ? 'being handled' : 'already handled', event.id);
   * ```
   */
  run<T>(eventId: string, fn: () => T | Promise<T>): Promise<RunResult<T>>;
}

/**
 * Makes at-least-once delivery safe: `run(event.id, fn)` calls `fn` only if no other call with
 * that id is in flight or done. If `fn` throws, the claim is released and the error rethrown —
 * answer 5xx and the sender's retry is processed, so nothing is lost. A claim held longer than
 * `lockSeconds` (a crashed worker) expires, so a retry can take it; keep `lockSeconds` above
 * the handler's longest run, or two workers may both run it.
 *
 * If the store itself fails, `run` rejects with the store's error: before `fn`, nothing ran and
 * the retry will (a claim that may have been stored anyway is released); after `fn`, the claim
 * stays until `lockSeconds` pass.
 *
 * Bad options, an empty id, or an id that is not well-formed Unicode (a lone surrogate, which
 * `unwrap` never returns) throw `WebhookVerificationError` with code `invalid_options` (status
 * 500), like every misconfiguration in this package.
 *
 * @example
 * ```ts
 * const guard = createIdempotencyGuard();
 * const event = await unwrapRequest(request);
 * const result = await guard.run(event.id, () => dispatch(event, handlers));
 * if (result.status === 'duplicate' && result.inFlight) return new Response('in flight', { status: 409 });
 * return Response.json({ ok: true, duplicate: result.status === 'duplicate' });
 * ```
 */
export function createIdempotencyGuard(options: IdempotencyGuardOptions = {}): IdempotencyGuard {
  checkOptions(options, 'createIdempotencyGuard: options', '{ store }');
  const store = options.store ?? memoryStore();
  if (!isStore(store)) {
    fail(
      'invalid_options',
      'store must have claim, complete and release methods, like memoryStore() or redisStore(client).',
    );
  }
  const retentionMs = retentionSeconds(options) * 1000;
  const lockMs =
    durationOption(options.lockSeconds, 'createIdempotencyGuard: lockSeconds', {
      unit: 's',
      fallback: 60,
      kind: 'bound',
    }) * 1000;
  return {
    async run<T>(eventId: string, fn: () => T | Promise<T>): Promise<RunResult<T>> {
      if (typeof eventId !== 'string' || eventId === '') {
        fail('invalid_options', 'guard.run needs the event id (event.id) as a non-empty string.');
      }
      checkWellFormedId(eventId, 'guard.run');
      if (typeof fn !== 'function') {
        fail('invalid_options', 'guard.run needs the handler to run as its second argument.');
      }
      // Random per run: a release compares it, so only the run that made a claim can drop it.
      const token = randomToken();
      let outcome: ClaimOutcome;
      try {
        outcome = await store.claim(eventId, token, lockMs);
      } catch (error) {
        // The claim may have been carried out although its answer never came (the connection
        // dropped after the command, or it timed out and the client sent it later): left alone it
        // would answer every retry "in flight" for lockSeconds, for an event nobody runs. The
        // compare-and-delete drops it if it is there and ours, and nothing otherwise. Not awaited:
        // the sender's 5xx should not wait on a store that is failing.
        void (async () => store.release(eventId, token))().catch(() => {});
        throw error;
      }
      if (outcome !== 'claimed') return { status: 'duplicate', inFlight: outcome !== 'done' };
      let value: T;
      try {
        value = await fn();
      } catch (error) {
        try {
          await store.release(eventId, token);
        } catch {
          // The store is unreachable: the claim then lapses after lockSeconds, and the handler's
          // own error is the one worth reporting.
        }
        throw error;
      }
      // Done even if our claim lapsed and a retry took it meanwhile: the event was processed, and
      // that is what later deliveries must see. Leaving the retry's claim instead would let its
      // failure release the id and a third delivery run the event again.
      await store.complete(eventId, retentionMs);
      return { status: 'processed', value };
    },
  };
}

/** `retentionSeconds`, or its deprecated alias `ttlSeconds`; both at once is refused. */
function retentionSeconds(options: IdempotencyGuardOptions): number {
  const { retentionSeconds: given, ttlSeconds: alias } = options;
  if (given !== undefined && alias !== undefined) {
    fail(
      'invalid_options',
      'createIdempotencyGuard: give retentionSeconds only; ttlSeconds is its deprecated former name.',
    );
  }
  const [value, name] = alias === undefined ? [given, 'retentionSeconds'] : [alias, 'ttlSeconds'];
  return durationOption(value, `createIdempotencyGuard: ${name}`, { unit: 's', fallback: 86_400, kind: 'bound' });
}

function isStore(store: IdempotencyStore): boolean {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.claim === 'function' &&
    typeof store.complete === 'function' &&
    typeof store.release === 'function'
  );
}
