import type { EventQueue } from '../queue/index.js';
import { withTimeout } from '../shared/timeout.js';
import { parse, str, UsageError, type Parsed } from './args.js';
import { consoleOutput, table, type Output } from './io.js';

export const QUEUE_USAGE: string = `Usage: managed-agents-webhooks queue <failed | retry> --redis URL [options]

Inspects the dead letters of a managed-agents-webhooks/queue (BullMQ on Redis): events whose
handler failed every attempt.

  queue failed                 list them: event id, type, attempts, when, last error
  queue retry --all            put every dead letter back in the queue with fresh attempts
  queue retry ID [ID…]         put back the dead letters of these event ids

  --redis URL       redis://[user:password@]host:port[/db] (default: $REDIS_URL)
  --name NAME       the queue name (default managed-agents-webhooks)
  --prefix PREFIX   BullMQ's key prefix (default bull)
  --json            failed: print a JSON array instead of a table
  --timeout MS      how long to wait for Redis (default 5000)

Exit codes: 0 ok, 1 Redis unreachable or an ID was not a dead letter, 2 usage error.
Needs the optional peer dependency bullmq installed beside this package.`;

export async function queueCommand(args: string[], io: Output = consoleOutput): Promise<number> {
  const parsed = parse(
    args,
    {
      redis: { type: 'string' },
      name: { type: 'string' },
      prefix: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    },
    Number.MAX_SAFE_INTEGER,
  );
  if (parsed.values.help) return (io.out(QUEUE_USAGE), 0);
  const [action, ...ids] = parsed.positionals;
  if (action !== 'failed' && action !== 'retry') throw new UsageError('queue needs "failed" or "retry" first');
  const all = parsed.values.all === true;
  if (action === 'failed' && (ids.length > 0 || all)) throw new UsageError('queue failed takes no IDs and no --all');
  if (action === 'retry' && all === ids.length > 0)
    throw new UsageError('queue retry needs --all or event IDs, not both');
  if (action !== 'failed' && parsed.values.json === true) throw new UsageError('--json is for queue failed');
  const url = str(parsed, 'redis') ?? process.env.REDIS_URL;
  if (url === undefined || url === '') throw new UsageError('--redis URL is required (or set REDIS_URL)');
  if (!/^rediss?:\/\//.test(url)) throw new UsageError('--redis takes a redis:// or rediss:// URL');
  const timeoutMs = Number(str(parsed, 'timeout') ?? 5_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes milliseconds > 0');

  const queue = await open(parsed, url, timeoutMs);
  let lastError: unknown;
  queue.queue.on('error', (error) => void (lastError = error));
  try {
    const work = action === 'failed' ? list(queue, parsed, io) : retry(queue, all ? undefined : ids, io);
    return await bounded(work, timeoutMs);
  } catch (error) {
    // Only host and port: the URL may carry a password.
    io.err(`cannot read the queue at ${where(url)}: ${message(lastError ?? error)}`);
    return 1;
  } finally {
    queue.queue.disconnect().catch(() => {});
    await bounded(queue.close(), 1_000).catch(() => {});
  }
}

async function open(parsed: Parsed, url: string, timeoutMs: number): Promise<EventQueue> {
  let queueModule: typeof import('../queue/index.js');
  try {
    // The package's own ./queue entry, beside dist/cli.js, loaded only now: the other commands
    // work without the optional bullmq, and the CLI bundle carries no second copy of the queue.
    const entry = new URL('./queue.js', import.meta.url).href;
    queueModule = (await import(entry)) as typeof import('../queue/index.js');
  } catch (error) {
    throw new UsageError(`queue needs bullmq: npm install bullmq (${message(error)})`);
  }
  const name = str(parsed, 'name');
  const prefix = str(parsed, 'prefix');
  return queueModule.createEventQueue({
    // Fail once instead of reconnecting forever: a command, not a service.
    connection: { url, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null },
    timeoutMs,
    ...(name === undefined ? {} : { name }),
    ...(prefix === undefined ? {} : { prefix }),
  });
}

async function list(queue: EventQueue, parsed: Parsed, io: Output): Promise<number> {
  const letters = await queue.failed();
  if (parsed.values.json === true) {
    io.out(JSON.stringify(letters, null, 2));
    return 0;
  }
  if (letters.length === 0) {
    io.out('no dead letters');
    return 0;
  }
  const rows = letters.map((letter) => [
    letter.event.id,
    letter.event.data.type,
    String(letter.attempts),
    letter.failedAt.toISOString(),
    oneLine(letter.error),
  ]);
  for (const line of table(['event id', 'type', 'attempts', 'failed at', 'last error'], rows)) io.out(line);
  io.out(`\n${letters.length} dead letter${letters.length === 1 ? '' : 's'}; retry with: queue retry --all`);
  return 0;
}

async function retry(queue: EventQueue, ids: string[] | undefined, io: Output): Promise<number> {
  const count = await queue.retryFailed(ids);
  io.out(`${count} dead letter${count === 1 ? '' : 's'} put back in the queue`);
  if (ids === undefined || count === new Set(ids).size) return 0;
  io.err(`${new Set(ids).size - count} of the IDs given were not dead letters (see queue failed)`);
  return 1;
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  return withTimeout(work, ms, () => new Error(`no answer within ${ms} ms`));
}

function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the --redis URL';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
