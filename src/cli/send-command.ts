import { EVENT_TYPES, isKnownEventType } from '../index.js';
import { parse, str, UsageError } from './args.js';
import { deliveriesFor, sampleBody, type Delivery } from './conformance.js';
import { consoleOutput, readInput, table, type Output } from './io.js';
import { resolveSecret, SECRET_HELP } from './secret-flag.js';

export const SEND_USAGE: string = `Usage: managed-agents-webhooks send URL --secret S (--type T | --all | --body FILE) [options]

POSTs signed deliveries to a webhook handler. With --attacks it is a conformance check: it
also sends what the handler must refuse or dedupe, and exits 1 if the handler got any wrong.
Redirects are not followed: any 3xx answer stops the run and exits 1, because Anthropic disables
an endpoint at once when it answers a redirect (a trailing-slash or HTTP→HTTPS redirect in
front of the handler). Give the final URL instead.

  --secret S        the endpoint secret the handler verifies with; ${SECRET_HELP}
  --type T          one realistic sample event of data.type T
  --all             one sample event of every type (${EVENT_TYPES.length})
  --body FILE       this file's exact bytes instead of samples
  --attacks         also send, for each: a tampered body, a wrong secret, a stale and a future
                    timestamp, a missing signature header, and a duplicate re-delivery
  --timeout MS      per-request timeout (default 10000)
  --verbose         one table row per delivery, also with --all

Event types:
  ${EVENT_TYPES.join('\n  ')}`;

/** The outcome of one delivery. */
export interface Result {
  delivery: Delivery;
  status: number | 'error';
  ms: number;
  /** The handler said it had seen the event before (`{ "duplicate": true }` in a JSON answer). */
  duplicate: boolean | undefined;
  /** The handler's answer in brief: its JSON `error` code, or the start of a non-JSON body. */
  answer: string | undefined;
  ok: boolean;
  /** Accepted, but the handler did not say whether it deduped (no `duplicate` in its answer). */
  unverified?: boolean;
  /** A 3xx answer: where it pointed (its `Location`), or '' without one. Fatal: the run stops. */
  redirect?: string;
  note?: string;
}

export interface SendOptions {
  url: string;
  secret: string;
  types: readonly string[];
  body?: Uint8Array<ArrayBuffer>;
  attacks: boolean;
  timeoutMs: number;
  verbose: boolean;
}

export async function sendCommand(args: string[], io: Output = consoleOutput): Promise<number> {
  const parsed = parse(
    args,
    {
      secret: { type: 'string' },
      type: { type: 'string' },
      all: { type: 'boolean' },
      body: { type: 'string' },
      attacks: { type: 'boolean' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    1,
  );
  if (parsed.values.help) return (io.out(SEND_USAGE), 0);
  const url = parsed.positionals[0];
  if (url === undefined || !/^https?:\/\//.test(url))
    throw new UsageError('send needs the handler URL first, e.g. http://127.0.0.1:3000/webhooks');
  const type = str(parsed, 'type');
  const bodyPath = str(parsed, 'body');
  const all = parsed.values.all === true;
  if ([type !== undefined, all, bodyPath !== undefined].filter(Boolean).length !== 1) {
    throw new UsageError('pass exactly one of --type T, --all or --body FILE');
  }
  if (type !== undefined && !isKnownEventType(type))
    throw new UsageError(`unknown event type "${type}"; see send --help for the list`);
  const timeout = Number(str(parsed, 'timeout') ?? 10_000);
  if (!Number.isInteger(timeout) || timeout <= 0) throw new UsageError('--timeout takes milliseconds > 0');
  const options: SendOptions = {
    url,
    secret: resolveSecret(parsed),
    types: all ? EVENT_TYPES : [type ?? 'custom body'],
    attacks: parsed.values.attacks === true,
    timeoutMs: timeout,
    verbose: parsed.values.verbose === true,
  };
  if (bodyPath !== undefined) options.body = readInput(bodyPath);
  const results = await send(options, io);
  report(results, options, io);
  const redirected = results.find((r) => r.redirect !== undefined);
  if (redirected !== undefined) io.err(redirectFatal(options.url, redirected));
  return results.every((r) => r.ok) ? 0 : 1;
}

/** Sends every delivery in turn (in order, so a duplicate always follows its original). */
export async function send(options: SendOptions, io: Output): Promise<Result[]> {
  const nowS = Math.floor(Date.now() / 1000);
  const deliveries = options.types.flatMap((type) => {
    const body = options.body ?? sampleBody(type as never);
    return deliveriesFor(type, body, options.secret, options.attacks, nowS);
  });
  const results: Result[] = [];
  for (const [i, delivery] of deliveries.entries()) {
    io.progress(`sending ${i + 1}/${deliveries.length}: ${delivery.type} — ${delivery.kind}`);
    const result = await post(options, delivery);
    results.push(result);
    // The platform would have disabled the endpoint here: nothing after it would be delivered.
    if (result.redirect !== undefined) break;
  }
  io.progress('');
  return results;
}

async function post(options: SendOptions, delivery: Delivery): Promise<Result> {
  const started = performance.now();
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...delivery.headers },
      body: delivery.body,
      // As Anthropic's sender: a redirect is the answer, never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (response.status >= 300 && response.status < 400) {
      return {
        delivery,
        status: response.status,
        ms,
        ...readAnswer(text),
        ok: false,
        redirect: response.headers.get('location') ?? '',
        note: REDIRECT_NOTE,
      };
    }
    return judge(delivery, response.status, ms, text);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return {
      delivery,
      status: 'error',
      ms: Math.round(performance.now() - started),
      duplicate: undefined,
      answer: undefined,
      ok: false,
      note: `no answer (${cause}): is the handler running at ${options.url}?`,
    };
  }
}

/** What the handler's body says: its `duplicate` flag, and its `error` code or the text's start. */
function readAnswer(text: string): { duplicate: boolean | undefined; answer: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const start = printable(text.trim()).slice(0, 60);
    return { duplicate: undefined, answer: start === '' ? undefined : `"${start}"` };
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const flag = record.duplicate;
  const error = record.error;
  return {
    duplicate: typeof flag === 'boolean' ? flag : undefined,
    answer: typeof error === 'string' && error !== '' ? printable(error).slice(0, 60) : undefined,
  };
}

/** Control characters from a handler's answer must not drive the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function judge(delivery: Delivery, status: number, ms: number, text: string): Result {
  const accepted = status >= 200 && status < 300;
  const result = { delivery, status, ms, ...readAnswer(text) };
  if (delivery.expect === 'reject') {
    if (accepted)
      return {
        ...result,
        ok: false,
        note: `accepted a delivery with a ${delivery.kind}: the handler is not verifying signatures and timestamps`,
      };
    if (status >= 500)
      return { ...result, ok: true, note: 'refused with 5xx: answer 400 so the sender does not retry it' };
    return { ...result, ok: true };
  }
  if (!accepted)
    return {
      ...result,
      ok: false,
      note: 'refused a valid delivery: check the secret and that the raw body is verified',
    };
  if (delivery.expect === 'duplicate' && result.duplicate === false) {
    return { ...result, ok: false, note: 'processed a re-delivery again: dedupe on event.id' };
  }
  if (delivery.expect === 'duplicate' && result.duplicate === undefined) {
    return { ...result, ok: true, unverified: true, note: UNVERIFIED_NOTE };
  }
  return { ...result, ok: true };
}

const REDIRECT_NOTE =
  'a redirect (3xx): Anthropic disables the endpoint at once, and events emitted while it is disabled are never delivered';

/** The closing line of a run stopped by a 3xx: what happens, why, and the fix. */
function redirectFatal(url: string, r: Result): string {
  const to = r.redirect === '' || r.redirect === undefined ? '' : ` to ${printable(r.redirect).slice(0, 200)}`;
  return (
    `fatal: ${url} answered ${r.status}${to}. Anthropic does not follow redirects: an endpoint that answers a 3xx ` +
    'is disabled at once, and nothing emitted while it is disabled is ever replayed. Register the final URL ' +
    '(https, the exact path, with or without the trailing slash as the server wants it) or make the server answer ' +
    'this path itself. Stopped after the first redirect.'
  );
}

const UNVERIFIED_NOTE =
  'duplicate re-delivery not verified: the handler accepted it but did not say whether it deduped it. To have it checked, answer JSON with "duplicate": true for an event already handled (false the first time), e.g. { "ok": true, "duplicate": true }';

const EXPECTED: Record<Delivery['expect'], string> = { accept: '2xx', reject: '4xx', duplicate: '2xx, once' };

function report(results: Result[], options: SendOptions, io: Output): void {
  const grouped = options.types.length > 1 && !options.verbose;
  const header = grouped
    ? ['case', 'expected', 'HTTP status', 'ms (median)', 'ok']
    : ['type', 'case', 'expected', 'HTTP status', 'ms', 'ok'];
  const rows = grouped
    ? groupByKind(results).map(([kind, group]) => [
        kind,
        EXPECTED[group[0]!.delivery.expect],
        statusCounts(group),
        String(median(group.map((r) => r.ms))),
        groupVerdict(group),
      ])
    : results.map((r) => [
        r.delivery.type,
        r.delivery.kind,
        EXPECTED[r.delivery.expect],
        r.ok ? String(r.status) : statusWithAnswer(r),
        String(r.ms),
        verdict(r),
      ]);
  for (const line of table(header, rows)) io.out(line);

  const wrong = results.filter((r) => !r.ok);
  for (const r of wrong) {
    const answered = r.status === 'error' ? '' : `answered ${statusWithAnswer(r)}: `;
    io.err(`✗ ${r.delivery.type} — ${r.delivery.kind}: ${answered}${r.note ?? ''}`);
  }
  for (const note of new Set(results.filter((r) => r.ok && r.note).map((r) => r.note))) io.err(`! ${note}`);
  io.out('');
  io.out(summary(results));
}

/** The one-line outcome, e.g. "50 delivered, 250 rejected as expected, 50 duplicates ignored". */
export function summary(results: Result[]): string {
  const count = (f: (r: Result) => boolean): number => results.filter(f).length;
  const delivered = count((r) => r.ok && r.delivery.expect === 'accept');
  const rejected = count((r) => r.ok && r.delivery.expect === 'reject');
  const duplicates = count((r) => r.ok && r.delivery.expect === 'duplicate' && r.duplicate === true);
  const unverified = count((r) => r.unverified === true);
  const wrong = count((r) => !r.ok);
  const parts = [`${delivered} delivered`, `${rejected} rejected as expected`, `${duplicates} duplicates ignored`];
  if (unverified > 0)
    parts.push(
      `${unverified} duplicate${unverified === 1 ? '' : 's'} not verified (dedupe not reported: answer JSON { "duplicate": true })`,
    );
  if (wrong > 0) parts.push(`${wrong} NOT as expected`);
  else parts.push(unverified > 0 ? 'the rest as expected' : 'all as expected');
  return parts.join(', ');
}

/** A row's outcome: yes, NO, or "not verified" for a re-delivery whose dedupe was not reported. */
function verdict(r: Result): string {
  if (!r.ok) return 'NO';
  return r.unverified === true ? 'not verified' : 'yes';
}

function groupVerdict(group: Result[]): string {
  const unverified = group.filter((r) => r.unverified === true).length;
  const verified = group.filter((r) => r.ok && r.unverified !== true).length;
  if (unverified === group.length) return 'not verified';
  const counted = `${verified}/${group.length}`;
  return unverified > 0 ? `${counted}, ${unverified} not verified` : counted;
}

/** The status and, where the handler said, why: `400 invalid_signature`. */
function statusWithAnswer(r: Result): string {
  return r.answer === undefined ? String(r.status) : `${r.status} ${r.answer}`;
}

function groupByKind(results: Result[]): Array<[string, Result[]]> {
  const groups = new Map<string, Result[]>();
  for (const r of results) groups.set(r.delivery.kind, [...(groups.get(r.delivery.kind) ?? []), r]);
  return [...groups];
}

function statusCounts(group: Result[]): string {
  const counts = new Map<string, number>();
  for (const r of group) counts.set(String(r.status), (counts.get(String(r.status)) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ×${n}`).join(', ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}
