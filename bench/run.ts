// Side-by-side benchmark: this library against the official path and the native limit, on the
// same deliveries in one process. Run with `npm run bench` (builds first; measures dist/).
import Anthropic from '@anthropic-ai/sdk';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cpus } from 'node:os';
import { Webhook } from 'standardwebhooks';
// By name, so it runs the built package (dist/) through the exports map, as users get it.
import { generateSecret, sign, unwrap, verify } from 'managed-agents-webhooks';
// The same core from src/, bundled into this script as a second copy settled on the portable MAC
// path (its lookup of node:crypto finds nothing): what Workers, browsers and edge runtimes run,
// measured on this machine.
import * as sourceHmac from '../src/core/hmac.js';
import { unwrap as unwrapSource } from '../src/core/verify.js';
import { settleHmacPath } from '../test/support/hmac-path.js';
import { BUDGET_BYTES, kb, unwrapBundle } from './bundle-size.js';
import { coldStart } from './cold-start.js';
import { hostileBench } from './hostile.js';
import { queueBench } from './queue.js';
import { telemetryBench } from './telemetry.js';
import { reconcileBench } from './reconcile.js';
import { latencyBench } from './latency.js';

type Headers3 = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

interface Case {
  name: string;
  body: string;
  headers: Headers3;
  secrets: string[];
}

const ROUNDS = 9;
const ROUND_MS = 200;
const WARMUP_MS = 600;
const COLD_SPAWNS = 21;

settleHmacPath(sourceHmac, 'pure');

const secret = generateSecret();
const oldSecret = generateSecret();
const now = new Date();

function delivery(name: string, body: string, secrets = [secret]): Case {
  return {
    name,
    body,
    secrets,
    headers: sign({ id: 'msg_2yFDs1ZqJxLQkR5mNcW8vTbA3hE', timestamp: now, body, secret }),
  };
}

// A session.status_idled envelope of the real size, 285 bytes.
const idled = JSON.stringify({
  type: 'event',
  id: 'evt_01KBZ4TD1Y6CJM1Q8YYQ3ZJ3JQZ8N5KJ3',
  created_at: '2026-11-22T10:15:42.417Z',
  data: {
    type: 'session.status_idled',
    id: 'sesn_011CVtbRfGBcKm3QuWn9zV7a',
    organization_id: '5c3b9d0e-8f4a-4b6e-9d2c-1a7f3e8b5c4d',
    workspace_id: 'wrkspc_01HQXZ8N5KJ3M7V2Y4T6R9P0WB',
  },
});
const padded = (bytes: number): string => {
  const event = {
    type: 'event',
    id: 'evt_big',
    created_at: now.toISOString(),
    data: { type: 'session.updated', id: 'sesn_1', organization_id: 'org_1', workspace_id: 'w', note: '' },
  };
  const base = JSON.stringify(event).length;
  event.data.note = 'x'.repeat(bytes - base);
  return JSON.stringify(event);
};

const cases: Case[] = [
  delivery(`session.status_idled, ${new TextEncoder().encode(idled).length} B`, idled),
  delivery('4 KiB body', padded(4096)),
  delivery('1 MiB body', padded(1024 * 1024)),
  { ...delivery(`rotation: 2 secrets, ${idled.length} B`, idled), secrets: [oldSecret, secret] },
];

// The native limit: node:crypto HMAC, constant-time compare, JSON.parse; keys decoded once.
function nativeVerifier(secrets: string[]): (body: string, headers: Headers3) => unknown {
  const keys = secrets.map((s) => Buffer.from(s.slice(6), 'base64'));
  return (body, headers) => {
    const expected = headers['webhook-signature'].split(' ').map((entry) => Buffer.from(entry.slice(3), 'base64'));
    for (const key of keys) {
      const mac = createHmac('sha256', key)
        .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`)
        .update(body)
        .digest();
      for (const candidate of expected)
        if (candidate.length === mac.length && timingSafeEqual(candidate, mac)) return JSON.parse(body);
    }
    throw new Error('no match');
  };
}

function referenceVerifier(secrets: string[]): (body: string, headers: Headers3) => unknown {
  const hooks = secrets.map((s) => new Webhook(s));
  return (body, headers) => {
    for (const [i, hook] of hooks.entries()) {
      try {
        return hook.verify(body, headers);
      } catch (error) {
        if (i === hooks.length - 1) throw error;
      }
    }
    throw new Error('unreachable');
  };
}

function sdkVerifier(secrets: string[]): (body: string, headers: Headers3) => unknown {
  const clients = secrets.map((s) => new Anthropic({ apiKey: 'bench', webhookKey: s }));
  return (body, headers) => {
    for (const [i, client] of clients.entries()) {
      try {
        return client.beta.webhooks.unwrap(body, { headers });
      } catch (error) {
        if (i === clients.length - 1) throw error;
      }
    }
    throw new Error('unreachable');
  };
}

const contenders: Array<[string, (c: Case) => (body: string, headers: Headers3) => unknown]> = [
  ['managed-agents-webhooks unwrap', (c) => (body, headers) => unwrap(body, headers, { secret: c.secrets })],
  ['managed-agents-webhooks verify', (c) => (body, headers) => verify(body, headers, { secret: c.secrets })],
  [
    'managed-agents-webhooks unwrap, pure JS (forced)',
    (c) => (body, headers) => unwrapSource(body, headers, { secret: c.secrets }),
  ],
  ['standardwebhooks Webhook#verify (reference)', (c) => referenceVerifier(c.secrets)],
  ['@anthropic-ai/sdk webhooks.unwrap', (c) => sdkVerifier(c.secrets)],
  ['node:crypto + JSON.parse (native)', (c) => nativeVerifier(c.secrets)],
];

/**
 * Operations per second of this process's CPU time over one round of `ms` wall time. CPU time,
 * not wall time, so other processes competing for the cores (a shared machine, a test run
 * beside the bench) slow no contender's figure, only the wall clock.
 */
function round(fn: () => unknown, ms: number): number {
  let ops = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  let elapsed = 0;
  // Check the clock every few calls so the timer's cost stays out of small-body rounds.
  while (elapsed < ms) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
    elapsed = performance.now() - start;
  }
  const used = process.cpuUsage(cpu);
  return (ops * 1e6) / Math.max(1, used.user + used.system);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `operations per CPU second, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms of interleaved warm-up; ratios against the reference and the native path\n`,
);

const rows: string[][] = [];
// Ratio to native per case and contender, for the targets checked at the end.
const vsNative = new Map<string, number>();
for (const c of cases) {
  const calls = contenders.map(([name, make]) => {
    const fn = make(c);
    const call = (): unknown => fn(c.body, c.headers);
    call(); // a contender that fails here would measure nothing
    return { name, call, samples: [] as number[] };
  });
  // Warm-up interleaved too, three passes: the JIT compiles on background threads whose CPU time
  // counts toward the process, so compilation still going on must not land in one contender's rounds.
  for (let pass = 0; pass < 3; pass++) for (const { call } of calls) round(call, WARMUP_MS / 3);
  // Rounds interleave the contenders, so drift in the machine's speed (GC, other load, CPU
  // frequency) spreads over all of them instead of landing on whichever ran first.
  for (let r = 0; r < ROUNDS; r++) for (const entry of calls) entry.samples.push(round(entry.call, ROUND_MS));
  const results = calls.map(({ name, samples }) => ({ name, ops: median(samples) }));
  const reference = results.find((r) => r.name.includes('(reference)'))?.ops ?? 1;
  const native = results.find((r) => r.name.includes('(native)'))?.ops ?? 1;
  for (const r of results) {
    rows.push([c.name, r.name, fmt(r.ops), `${(r.ops / reference).toFixed(2)}×`, `${(r.ops / native).toFixed(2)}×`]);
    vsNative.set(`${c.name} / ${r.name}`, r.ops / native);
  }
  rows.push([]);
}

const header = ['delivery', 'verifier', 'ops/s', 'vs reference', 'vs native'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]): string =>
  cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ');
console.log(`| ${line(header)} |`);
console.log(`|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
for (const r of rows) if (r.length > 0) console.log(`| ${line(r)} |`);

// Further sections, one module each; a section prints its own table and adds its targets.
const targets: Array<[string, boolean]> = [];
const ratio = (key: string): number => vsNative.get(key) ?? 0;
for (const c of cases) {
  const r = ratio(`${c.name} / managed-agents-webhooks unwrap`);
  targets.push([`unwrap ≥ 0.95× native, ${c.name}: ${r.toFixed(3)}×`, r >= 0.95]);
}
const small = cases[0]?.name ?? '';
const pure = ratio(`${small} / managed-agents-webhooks unwrap, pure JS (forced)`);
targets.push([`pure JS (forced) ≥ 0.85× native, ${small}: ${pure.toFixed(3)}×`, pure >= 0.85]);

console.log(
  `\ncold start: a fresh \`node\` imports the verifier and checks one delivery; median of ${COLD_SPAWNS} interleaved spawns each`,
);
console.log(
  "(process: spawn to exit, wall; inside: import + verify, from performance.now() in the child; CPU: the child's user + system)\n",
);
const cold = coldStart(COLD_SPAWNS);
const empty = cold.find((r) => r.name === 'empty node');
console.log('| verifier | process ms | over empty node | inside ms | CPU ms |');
console.log('|---|--:|--:|--:|--:|');
for (const r of cold) {
  const over = empty === undefined ? '' : `+${(r.processMs - empty.processMs).toFixed(1)}`;
  console.log(
    `| ${r.name} | ${r.processMs.toFixed(1)} | ${over} | ${r.importVerifyMs.toFixed(2)} | ${r.cpuMs.toFixed(1)} |`,
  );
}
const ours = cold.find((r) => r.name.startsWith('managed-agents-webhooks'));
const theirs = cold.find((r) => r.name.includes('(reference)'));
if (ours !== undefined && theirs !== undefined) {
  // Both measures: wall time inside the child counts waits for file reads, which other load on
  // the machine stretches; CPU time counts only the work done.
  targets.push([
    `cold start ≤ standardwebhooks, import + verify: ${ours.importVerifyMs.toFixed(2)} ms vs ${theirs.importVerifyMs.toFixed(2)} ms`,
    ours.importVerifyMs <= theirs.importVerifyMs,
  ]);
  targets.push([
    `cold start ≤ standardwebhooks, process CPU: ${ours.cpuMs.toFixed(1)} ms vs ${theirs.cpuMs.toFixed(1)} ms`,
    ours.cpuMs <= theirs.cpuMs,
  ]);
}

const size = await unwrapBundle();
console.log(
  `\nunwrap bundle (esbuild, platform=neutral, minified): ${kb(size.minified)}, ${kb(size.gzipped)} gzip (budget ${kb(BUDGET_BYTES)}); Node built-ins: ${size.builtins.length === 0 ? 'none' : size.builtins.join(', ')}`,
);
targets.push([`unwrap bundle ≤ ${kb(BUDGET_BYTES)} gzip: ${kb(size.gzipped)}`, size.gzipped <= BUDGET_BYTES]);
targets.push(['unwrap bundle free of Node built-ins', size.builtins.length === 0]);

await queueBench();
await reconcileBench();
await latencyBench();

targets.push(...(await hostileBench()));
targets.push(...(await telemetryBench()));

console.log('\ntargets:');
for (const [what, met] of targets) console.log(`  ${met ? 'met ' : 'MISS'}  ${what}`);
