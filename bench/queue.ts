// The hand-off to BullMQ, measured: enqueue latency on a loopback redis-server, and a whole
// receiver (node:http + unwrapNodeRequest + enqueue → 204) beside the same receiver with the
// in-memory idempotency guard instead of the queue. Starts its own redis-server (AOF everysec, the
// setting the README recommends) on a free loopback port and stops it by pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
// By name, so it measures the built package (dist/), as users get it.
import { generateSecret, sign } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createEventQueue, type EventQueue } from 'managed-agents-webhooks/queue';

const LATENCY_CALLS = 2_000;
const ROUNDS = 3;
const ROUND_MS = 2_000;
const CONNECTIONS = 32;

interface Redis {
  port: number;
  version: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function startRedis(dir: string): Promise<Redis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir].concat([
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (log += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${log}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)}:\n${log}`));
    });
  });
  const version = /version=([\d.]+)/.exec(log)?.[1] ?? 'unknown';
  return {
    port,
    version,
    stop: async () => {
      // By pid: only the server this bench started.
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

let sequence = 0;
function event(): { type: 'event'; id: string; created_at: string; data: Record<string, string> } {
  const n = ++sequence;
  return {
    type: 'event',
    id: `evt_bench_${process.pid}_${n}`,
    created_at: new Date().toISOString(),
    data: {
      type: 'session.status_idled',
      id: `sesn_bench_${n}`,
      organization_id: '5c3b9d0e-8f4a-4b6e-9d2c-1a7f3e8b5c4d',
      workspace_id: 'wrkspc_01HQXZ8N5KJ3M7V2Y4T6R9P0WB',
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function latencies(queue: EventQueue, repeat: boolean): Promise<number[]> {
  const samples: number[] = [];
  const first = event();
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const e = repeat ? first : event();
    const start = performance.now();
    await queue.enqueue(e as never);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

type Accept = (id: string, event: unknown) => Promise<void>;

function receiver(secret: string, accept: Accept): Server {
  return createServer(async (req, res) => {
    try {
      const e = await unwrapNodeRequest(req, { secret });
      await accept(e.id, e);
      res.writeHead(204).end();
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
}

/** Signed deliveries of distinct events, made before the clock starts. */
function deliveries(secret: string, count: number): Array<{ body: string; headers: Record<string, string> }> {
  const now = new Date();
  return Array.from({ length: count }, () => {
    const body = JSON.stringify(event());
    return { body, headers: { ...sign({ id: `msg_${sequence}`, timestamp: now, body, secret }) } };
  });
}

/** Requests per second from CONNECTIONS keep-alive connections over `ms`. */
async function load(url: URL, pool: ReturnType<typeof deliveries>, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  let done = 0;
  let failed = 0;
  const deadline = performance.now() + ms;
  const post = (d: { body: string; headers: Record<string, string> }): Promise<void> =>
    new Promise((resolve) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...d.headers, 'content-type': 'application/json' } },
        (res) => {
          if (res.statusCode !== 204) failed++;
          res.resume().on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(d.body);
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline && next < pool.length) {
        await post(pool[next++] as { body: string; headers: Record<string, string> });
        done++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} requests were not answered 204`);
  return (done / elapsed) * 1000;
}

async function listen(server: Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`);
}

/** Runs the queue section and prints its tables. */
export async function queueBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'maw-bench-redis-'));
  const redis = await startRedis(dir);
  const connection = { host: '127.0.0.1', port: redis.port };
  const queue = createEventQueue({ connection, name: `bench-${process.pid}` });
  try {
    console.log(
      `\nqueue: BullMQ on a loopback redis-server ${redis.version} (appendonly yes, appendfsync everysec, noeviction)`,
    );
    await latencies(queue, false); // warm-up: connections, scripts loaded
    const fresh = await latencies(queue, false);
    const repeat = await latencies(queue, true);
    console.log(`enqueue latency, ${LATENCY_CALLS} sequential calls each\n`);
    console.log('| enqueue | p50 ms | p99 ms | max ms |');
    console.log('|---|--:|--:|--:|');
    for (const [name, s] of [
      ['new event (stored)', fresh],
      ['re-delivery (duplicate)', repeat],
    ] as const) {
      console.log(
        `| ${name} | ${percentile(s, 50).toFixed(3)} | ${percentile(s, 99).toFixed(3)} | ${(s.at(-1) ?? 0).toFixed(3)} |`,
      );
    }

    const secret = generateSecret();
    const guard = createIdempotencyGuard();
    const contenders: Array<[string, Server]> = [
      [
        'unwrapNodeRequest + enqueue (BullMQ)',
        receiver(secret, async (_, e) => void (await queue.enqueue(e as never))),
      ],
      ['unwrapNodeRequest + memory guard', receiver(secret, async (id) => void (await guard.run(id, () => undefined)))],
    ];
    const urls = await Promise.all(contenders.map(([, server]) => listen(server)));
    const samples = contenders.map(() => [] as number[]);
    // Enough distinct deliveries for every round even at a high rate; signed up front.
    const perRound = 40_000;
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < contenders.length; i++) {
        samples[i]?.push(await load(urls[i] as URL, deliveries(secret, perRound), ROUND_MS));
      }
    }
    for (const [, server] of contenders) server.close();
    const medians = samples.map((s) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)] ?? 0);
    const base = medians[1] ?? 1;
    console.log(
      `\nreceiver throughput: node:http on 127.0.0.1, ${CONNECTIONS} keep-alive connections from the same process, distinct signed events; median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms\n`,
    );
    console.log('| receiver | requests/s | vs memory guard |');
    console.log('|---|--:|--:|');
    contenders.forEach(([name], i) => {
      const rps = medians[i] ?? 0;
      console.log(`| ${name} | ${Math.round(rps).toLocaleString('en-US')} | ${(rps / base).toFixed(2)}× |`);
    });
  } finally {
    await queue.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
