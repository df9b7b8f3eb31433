import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  --curl URL        print a ready curl command that POSTs the delivery to URL
  --out DIR         write the exact body to DIR/body.json and the headers to DIR/headers.txt
                    (what \`verify --body DIR/body.json --headers DIR/headers.txt\` reads);
                    printed output adds a newline after the body, which is not part of it`;

export function signCommand(args: string[], io: Output): number {
  const parsed = parse(args, {
    secret: { type: 'string' },
    type: { type: 'string' },
    body: { type: 'string' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
    curl: { type: 'string' },
    out: { type: 'string' },
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
  const dir = str(parsed, 'out');
  if (dir !== undefined) {
    const written = writeDelivery(dir, headers, body);
    if (url !== undefined) {
      io.out(curlCommand(url, headers, body, written.body));
      return 0;
    }
    io.out(`wrote ${written.body} (${body.length} bytes, exactly as signed) and ${written.headers}`);
    io.out(
      `check them: managed-agents-webhooks verify --secret <the same secret> --body ${shellQuote(written.body)} --headers ${shellQuote(written.headers)}`,
    );
    return 0;
  }
  if (url !== undefined) {
    io.out(curlCommand(url, headers, body, file));
    return 0;
  }
  for (const [name, value] of Object.entries(headers)) io.out(`${name}: ${value}`);
  io.out('');
  io.out(new TextDecoder().decode(body));
  return 0;
}

/** The body byte for byte, and the headers as the "name: value" lines `verify --headers` reads. */
function writeDelivery(dir: string, headers: WebhookHeaders, body: Uint8Array): { body: string; headers: string } {
  const paths = { body: join(dir, 'body.json'), headers: join(dir, 'headers.txt') };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(paths.body, body);
    writeFileSync(
      paths.headers,
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\n`)
        .join(''),
    );
  } catch (error) {
    throw new UsageError(
      `cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return paths;
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
