import type { EventQueue } from '../queue/index.js';
import type { SweepHint, SweepResult } from '../reconcile/index.js';
import { parse, str, UsageError, type Parsed } from './args.js';
import { consoleOutput, type Output } from './io.js';

export const RECONCILE_USAGE: string = `Usage: managed-agents-webhooks reconcile --since TIME --redis URL [options]

A catch-up after an incident: one reconciliation sweep over the sessions API from TIME on. Every
session (and thread of a session that changed) updated after TIME and newer than what the
workers handled is enqueued as a hint for the level-triggered workers
(managed-agents-webhooks/reconcile). Reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL as the SDK does.

  --since TIME        ISO 8601 time the incident began, e.g. 2026-04-01T12:00:00Z (required)
  --redis URL         redis://[user:password@]host:port[/db] (default: $REDIS_URL)
  --dry-run           print what would be enqueued; enqueue nothing
  --queue NAME        the events' queue (default managed-agents-webhooks)
  --prefix PREFIX     BullMQ's key prefix (default bull)
  --store-prefix P    the workers' redisStateStore prefix (default maw:reconcile:)
  --workspace ID      list one Workspace's sessions (a credential that acts on several)
  --no-threads        do not list the threads of sessions that changed
  --timeout MS        how long to wait for Redis (default 5000)

Exit codes: 0 ok, 1 the API or Redis failed, 2 usage error.
Needs the optional peer dependencies @anthropic-ai/sdk and bullmq (with ioredis) installed.`;

export async function reconcileCommand(args: string[], io: Output = consoleOutput): Promise<number> {
  const parsed = parse(args, {
    since: { type: 'string' },
    redis: { type: 'string' },
    'dry-run': { type: 'boolean' },
    queue: { type: 'string' },
    prefix: { type: 'string' },
    'store-prefix': { type: 'string' },
    workspace: { type: 'string' },
    'no-threads': { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (parsed.values.help) return (io.out(RECONCILE_USAGE), 0);
  const sinceText = str(parsed, 'since');
  if (sinceText === undefined || sinceText === '')
    throw new UsageError('--since TIME is required, e.g. 2026-04-01T12:00:00Z');
  const since = new Date(sinceText);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(sinceText) || Number.isNaN(since.getTime())) {
    throw new UsageError(`--since takes an ISO 8601 time such as 2026-04-01T12:00:00Z; got ${sinceText}`);
  }
  const url = str(parsed, 'redis') ?? process.env.REDIS_URL;
  if (url === undefined || url === '') throw new UsageError('--redis URL is required (or set REDIS_URL)');
  if (!/^rediss?:\/\//.test(url)) throw new UsageError('--redis takes a redis:// or rediss:// URL');
  const timeoutMs = Number(str(parsed, 'timeout') ?? 5_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes milliseconds > 0');
  const dryRun = parsed.values['dry-run'] === true;

  const modules = await load();
  let client: InstanceType<Modules['Anthropic']>;
  try {
    client = new modules.Anthropic();
  } catch (error) {
    // The SDK's own message names ANTHROPIC_API_KEY.
    throw new UsageError(message(error));
  }
  // Fail once instead of reconnecting forever: a command, not a service.
  const connection = { connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null };
  const redis = new modules.Redis(url, { ...connection, lazyConnect: false });
  redis.on('error', () => {});
  const queue = dryRun ? undefined : openQueue(modules, parsed, url, connection, timeoutMs);
  const storePrefix = str(parsed, 'store-prefix');
  const workspace = str(parsed, 'workspace');
  try {
    const sweep = modules.reconcile.createSweep({
      client,
      queue: queue ?? { enqueue: () => Promise.reject(new Error('dry run')) },
      store: modules.reconcile.redisStateStore(redis, storePrefix === undefined ? {} : { prefix: storePrefix }),
      since,
      dryRun,
      threads: parsed.values['no-threads'] !== true,
      ...(workspace === undefined ? {} : { filter: { workspace_id: workspace } }),
      onHint: (hint, outcome) => io.out(line(hint, outcome)),
    });
    const result = await sweep.run();
    io.out(summary(result, dryRun));
    return 0;
  } catch (error) {
    io.err(`reconcile failed: ${message(error)}`);
    return 1;
  } finally {
    redis.disconnect();
    await queue?.close().catch(() => {});
  }
}

interface Modules {
  Anthropic: typeof import('@anthropic-ai/sdk').default;
  Redis: typeof import('ioredis').Redis;
  reconcile: typeof import('../reconcile/index.js');
  queue: typeof import('../queue/index.js');
}

async function load(): Promise<Modules> {
  try {
    // The package's own entries beside dist/cli.js, and the optional peers, loaded only now: the
    // other commands work without them, and the CLI bundle carries no second copy of the sweep.
    const [sdk, ioredis, reconcile, queue] = await Promise.all([
      import('@anthropic-ai/sdk'),
      import('ioredis'),
      import(new URL('./reconcile.js', import.meta.url).href) as Promise<Modules['reconcile']>,
      import(new URL('./queue.js', import.meta.url).href) as Promise<Modules['queue']>,
    ]);
    return { Anthropic: sdk.default, Redis: ioredis.Redis, reconcile, queue };
  } catch (error) {
    throw new UsageError(
      `reconcile needs @anthropic-ai/sdk and bullmq: npm install @anthropic-ai/sdk bullmq (${message(error)})`,
    );
  }
}

function openQueue(
  modules: Modules,
  parsed: Parsed,
  url: string,
  connection: Record<string, unknown>,
  timeoutMs: number,
): EventQueue {
  const name = str(parsed, 'queue');
  const prefix = str(parsed, 'prefix');
  const queue = modules.queue.createEventQueue({
    connection: { url, ...connection },
    timeoutMs,
    ...(name === undefined ? {} : { name }),
    ...(prefix === undefined ? {} : { prefix }),
  });
  queue.queue.on('error', () => {});
  return queue;
}

function line(hint: SweepHint, outcome: 'enqueued' | 'duplicate' | 'dry_run'): string {
  const what =
    'session_thread_id' in hint.data
      ? `thread ${hint.data.session_thread_id} of session ${hint.data.id}`
      : `session ${hint.data.id}`;
  const verb = outcome === 'dry_run' ? 'would enqueue' : outcome === 'enqueued' ? 'enqueued' : 'already queued';
  return `${verb} ${what} (updated ${hint.created_at}) as ${hint.id}`;
}

function summary(result: SweepResult, dryRun: boolean): string {
  const enqueued = dryRun ? `would enqueue ${result.changed}` : `enqueued ${result.enqueued}`;
  return `since ${result.from.toISOString()}: listed ${result.listed}, changed ${result.changed}, ${enqueued}, API requests ${result.requests}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
