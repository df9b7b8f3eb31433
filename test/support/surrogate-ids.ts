// Event ids with and without lone UTF-16 surrogates, for the tests of issue 18 point 4
// (test/event-id-well-formed*.test.ts), and how a call ended, as one word.
import { isWebhookVerificationError } from '../../src/index.js';

/** Lone surrogates: no UTF-8 form, so every Redis client sends them as U+FFFD. */
export const LONE: readonly string[] = ['evt_\ud800', 'evt_\udbff', 'evt_\udc00', 'evt_\udfff'];
/** Well-formed ids beyond ASCII, paired surrogates included: all distinct, all kept. */
export const PAIRED: readonly string[] = ['evt_\u{1f600}', 'evt_\u{1f601}', 'evt_é', 'evt_\ud83d\ude02'];

/** `'ok'`, the `status` a call resolved to, or the error code it was refused with. */
export const outcome = async (work: () => Promise<unknown>): Promise<string> =>
  work().then(
    (value) => (typeof value === 'object' && value !== null && 'status' in value ? String(value.status) : 'ok'),
    (error: unknown) => (isWebhookVerificationError(error) ? error.code : String(error)),
  );
