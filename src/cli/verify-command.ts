import { bodyText } from '../core/body.js';
import { decodeSecret } from '../core/secret.js';
import { parseSignatures } from '../core/signature.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../core/timestamp.js';
import { isWebhookVerificationError, verify, type VerifyOptions } from '../index.js';
import { parse, seconds, str, unixSeconds, UsageError } from './args.js';
import { readInput, type Output } from './io.js';
import { ENDPOINT_SECRET_HINT, resolveSecret, SECRET_HELP } from './secret-flag.js';

export const VERIFY_USAGE: string = `Usage: managed-agents-webhooks verify --secret S --body FILE (--headers FILE | -H 'name: value' ...) [--now UNIX]

Verifies a captured delivery. On failure prints the error code and a diagnosis: the headers
found, the timestamp skew, whether the secret decodes, how many v1 signatures were tried, and
the likely causes. Never prints the secret or the expected signature.

  --secret S        the endpoint secret (whsec_…); ${SECRET_HELP}
  --body FILE|-     the body exactly as received (- reads standard input)
  --headers FILE    the headers: a JSON object, or "name: value" lines (as curl -i or a log prints them)
  -H 'name: value'  one header; repeat for each
  --now UNIX        verify as of this time (Unix seconds), e.g. to replay an old capture
  --tolerance S     seconds of clock skew allowed (default 300)

Exit codes: 0 valid, 1 refused, 2 usage error.`;

export function verifyCommand(args: string[], io: Output): number {
  const parsed = parse(args, {
    secret: { type: 'string' },
    body: { type: 'string' },
    headers: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    now: { type: 'string' },
    tolerance: { type: 'string' },
  });
  if (parsed.values.help) return (io.out(VERIFY_USAGE), 0);
  const secret = resolveSecret(parsed, ENDPOINT_SECRET_HINT);
  const bodyPath = str(parsed, 'body');
  if (bodyPath === undefined) throw new UsageError('--body FILE is required (the body exactly as received)');
  // Flags first: a usage mistake must not wait on a body piped to standard input.
  const headers = collectHeaders(str(parsed, 'headers'), parsed.values.header as string[] | undefined);
  const nowS = seconds(parsed, 'now');
  // Eleven digits or more is past the year 5138 in seconds: a value copied from Date.now().
  if (nowS !== undefined && nowS >= 1e11) {
    throw new UsageError(`--now takes Unix seconds; ${nowS} looks like milliseconds — use ${Math.floor(nowS / 1000)}`);
  }
  const body = readInput(bodyPath);
  const options: VerifyOptions = { secret, now: nowS === undefined ? Date.now() : nowS * 1000 };
  const tolerance = str(parsed, 'tolerance');
  if (tolerance !== undefined) options.toleranceSeconds = Number(tolerance);

  try {
    const delivery = verify(body, headers, options);
    io.out(
      `valid: webhook-id ${delivery.id}, signed at ${new Date(delivery.timestamp * 1000).toISOString()}, ${body.length} bytes`,
    );
    return 0;
  } catch (error) {
    if (!isWebhookVerificationError(error)) throw error;
    if (error.status === 500 && error.code !== 'invalid_secret' && error.code !== 'missing_secret')
      throw new UsageError(error.message);
    io.out(`refused: ${error.code} (HTTP ${error.status})`);
    io.out(`  ${error.message}`);
    io.out('');
    for (const line of diagnose(error.code, body, headers, secret, options)) io.out(line);
    return 1;
  }
}

function collectHeaders(file: string | undefined, flags: string[] | undefined): Array<[string, string]> {
  if (file === undefined && (flags === undefined || flags.length === 0)) {
    throw new UsageError('pass the headers: --headers FILE or -H "name: value" for each');
  }
  const pairs: Array<[string, string]> = [];
  if (file !== undefined) {
    const text = new TextDecoder().decode(readInput(file)).trim();
    if (text.startsWith('{')) {
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch {
        throw new UsageError(`${file} starts with "{" but is not JSON`);
      }
      for (const [name, value] of Object.entries(record as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, String(v)]);
      }
    } else {
      for (const line of text.split(/\r?\n/)) if (line.includes(':')) pairs.push(headerLine(line));
    }
  }
  for (const flag of flags ?? []) {
    if (!flag.includes(':')) throw new UsageError(`-H takes "name: value", got "${flag}"`);
    pairs.push(headerLine(flag));
  }
  return pairs;
}

function headerLine(line: string): [string, string] {
  const colon = line.indexOf(':');
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/** What we can tell about why a delivery failed, without revealing the secret or the MAC. */
function diagnose(
  code: string,
  body: Uint8Array,
  headers: Array<[string, string]>,
  secret: string,
  options: VerifyOptions,
): string[] {
  const lines = ['diagnosis:'];
  const find = (name: string): string[] => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  const id = find('webhook-id');
  const stamp = find('webhook-timestamp');
  const signature = find('webhook-signature').join(' ');
  lines.push(
    `  headers found: webhook-id ${describe(id)}, webhook-timestamp ${describe(stamp)}, webhook-signature ${signature ? 'present' : 'absent'}`,
  );
  const others = headers.map(([n]) => n.toLowerCase()).filter((n) => !n.startsWith('webhook-'));
  if (others.length > 0) lines.push(`  other headers: ${[...new Set(others)].join(', ')}`);

  const ts = stamp[0];
  const signedAt = ts === undefined ? undefined : unixSeconds(ts);
  if (signedAt !== undefined) {
    const skew = Math.floor(Number(options.now) / 1000) - signedAt;
    const when = skew >= 0 ? `${skew} s ago` : `${-skew} s in the future`;
    const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    lines.push(`  timestamp: ${new Date(signedAt * 1000).toISOString()} — signed ${when} (tolerance ${tolerance} s)`);
  } else if (ts !== undefined) {
    lines.push(`  timestamp: "${ts}" is not Unix seconds`);
  }

  try {
    lines.push(
      `  secret: decodes, ${decodeSecret(secret).length}-byte key${secret.startsWith('whsec_') ? '' : ' (no whsec_ prefix)'}`,
    );
  } catch {
    lines.push('  secret: does NOT decode as whsec_ + base64');
  }
  const entries = signature ? signature.split(' ').filter(Boolean) : [];
  const v1 = signature ? parseSignatures(signature).length : 0;
  lines.push(`  signatures: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${v1} well-formed v1 tried`);
  lines.push(`  body: ${body.length} bytes${bodyText(body) === undefined ? ', not valid UTF-8' : ''}`);

  lines.push('likely causes:');
  for (const cause of causes(code, body, headers, options)) lines.push(`  - ${cause}`);
  return lines;
}

function causes(code: string, body: Uint8Array, headers: Array<[string, string]>, options: VerifyOptions): string[] {
  switch (code) {
    case 'timestamp_too_old':
    case 'timestamp_too_new':
      return [
        "this machine's clock, or the one that captured the delivery, is off: check NTP",
        'replaying an old capture? pass --now with the time it was received',
        'the delivery sat in a queue before reaching the handler',
      ];
    case 'invalid_signature': {
      const variant = matchingVariant(body, headers, options);
      if (variant !== undefined) {
        return [
          `the body was changed after signing: the signature matches the body ${variant}. Verify the raw bytes before any parsing or logging rewrites them`,
        ];
      }
      return [
        'the body was re-serialized (parsed and stringified again) before verification — verify the raw bytes (express.raw, request.text())',
        "the secret is not this endpoint's: each endpoint has its own whsec_ secret (rotating? pass both)",
        'the body or a webhook-* header was altered on the way (a proxy rewriting it), or the delivery is forged',
      ];
    }
    case 'missing_header':
      return ['the capture dropped the webhook-* headers, or a proxy in front of the handler strips them'];
    case 'invalid_secret':
    case 'missing_secret':
      return [
        'copy the whole whsec_ secret again from the endpoint in the Claude Console; remove quotes and whitespace',
      ];
    default:
      return ['not a delivery from Anthropic, or it was altered on the way'];
  }
}

/** Tries the usual rewrites of a body; names the one that makes the signature match. */
function matchingVariant(
  body: Uint8Array,
  headers: Array<[string, string]>,
  options: VerifyOptions,
): string | undefined {
  const text = new TextDecoder().decode(body);
  const variants: Array<[string, () => string]> = [
    ['without its trailing newline', () => text.replace(/\r?\n$/, '')],
    ['with a trailing newline', () => `${text}\n`],
    ['as compact JSON (it was pretty-printed or re-spaced)', () => JSON.stringify(JSON.parse(text))],
    ['as JSON indented by 2 spaces', () => JSON.stringify(JSON.parse(text), null, 2)],
  ];
  for (const [name, make] of variants) {
    try {
      const candidate = make();
      if (candidate === text) continue;
      verify(candidate, headers, options);
      return name;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function describe(values: string[]): string {
  if (values.length === 0) return 'absent';
  return values.length === 1 ? `"${values[0]}"` : `sent ${values.length} times`;
}
