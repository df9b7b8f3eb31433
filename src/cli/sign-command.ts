import { createSampleEvent, isKnownEventType, sign, type WebhookHeaders } from '../index.js';
import { parse, seconds, str, UsageError } from './args.js';
import { readInput, type Output } from './io.js';
import { resolveSecret, SECRET_HELP } from './secret-flag.js';

export const SIGN_USAGE: string = `Usage: managed-agents-webhooks sign --secret S (--type T | --body FILE|-) [options]

Signs a delivery the way Anthropic does and prints its headers and body.

  --secret S        the endpoint secret (whsec_…); ${SECRET_HELP}
  --type T          sign a realistic sample event of data.type T (e.g. session.status_idled)
  --body FILE|-     sign this file's exact bytes (- reads standard input)
  --id ID           the webhook-id (default: msg_ + random)
  --timestamp UNIX  the webhook-timestamp in Unix seconds (default: now)
  --curl URL        print a ready curl command that POSTs the delivery to URL`;

export function signCommand(args: string[], io: Output): number {
  const parsed = parse(args, {
    secret: { type: 'string' },
    type: { type: 'string' },
    body: { type: 'string' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
    curl: { type: 'string' },
  });
  if (parsed.values.help) return (io.out(SIGN_USAGE), 0);
  const secret = resolveSecret(parsed);
  const { body, file } = chooseBody(str(parsed, 'type'), str(parsed, 'body'));
  const headers = sign({
    id: str(parsed, 'id') ?? `msg_${crypto.randomUUID().replaceAll('-', '')}`,
    timestamp: seconds(parsed, 'timestamp') ?? new Date(),
    body,
    secret,
  });
  const url = str(parsed, 'curl');
  if (url !== undefined) {
    io.out(curlCommand(url, headers, body, file));
    return 0;
  }
  for (const [name, value] of Object.entries(headers)) io.out(`${name}: ${value}`);
  io.out('');
  io.out(new TextDecoder().decode(body));
  return 0;
}

function chooseBody(type: string | undefined, path: string | undefined): { body: Uint8Array; file?: string } {
  if ((type === undefined) === (path === undefined))
    throw new UsageError('pass exactly one of --type T or --body FILE');
  if (path !== undefined) return path === '-' ? { body: readInput(path) } : { body: readInput(path), file: path };
  if (!isKnownEventType(type as string)) {
    throw new UsageError(`unknown event type "${type}"; run \`managed-agents-webhooks send --help\` for the list`);
  }
  return { body: new TextEncoder().encode(JSON.stringify(createSampleEvent(type as never))) };
}

/** Single-quoted for POSIX shells: the only character to escape inside is the quote itself. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function curlCommand(url: string, headers: WebhookHeaders, body: Uint8Array, file: string | undefined): string {
  const lines = [`curl -sS -X POST ${shellQuote(url)}`, `  -H 'content-type: application/json'`];
  for (const [name, value] of Object.entries(headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  // A file is passed by name so its bytes reach curl unchanged; text is inlined.
  lines.push(
    file !== undefined
      ? `  --data-binary @${shellQuote(file)}`
      : `  --data-binary ${shellQuote(new TextDecoder().decode(body))}`,
  );
  return lines.join(' \\\n');
}
