// Hostile input, timed against the built package: header floods (issue 10 targets: each refused in
// under 50 ms), the slowest case of the malformed-input corpus, and the memory idempotency store
// inserting into a full store against an empty one (target ≤ 1.5×) and its heap for 100k ids.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as lib from 'managed-agents-webhooks';
import { createIdempotencyGuard, memoryStore } from 'managed-agents-webhooks/idempotency';
import { buildCorpus, misbehaviour } from '../test/support/malformed-corpus.js';

const FLOOD_TARGET_MS = 50;
const FULL_RATIO_TARGET = 1.5;
const HEAP_TARGET_MB = 50;
const IDS = 100_000;

/** Milliseconds of one call; the median of `runs`. */
function timeOnce(fn: () => void, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] ?? 0;
}

function refusedAsOurs(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (lib.isWebhookVerificationError(error) && error.code === 'invalid_header') return;
    throw error;
  }
  throw new Error('a header flood was accepted');
}

function caseVariants(count: number): Record<string, string> {
  const record: Record<string, string> = {};
  const name = 'webhook-signature';
  for (let i = 1, made = 0; made < count; i++) {
    let spelled = '';
    for (let j = 0, bit = 0; j < name.length; j++) {
      const c = name[j] as string;
      spelled += c === '-' ? c : (i >> bit++) & 1 ? c.toUpperCase() : c;
    }
    record[spelled] = 'v1,x';
    made++;
  }
  return record;
}

function floods(): Array<[string, boolean]> {
  const secret = lib.generateSecret();
  const body = '{}';
  const options = { secret };
  const pairs = Array.from({ length: 100_000 }, () => ['webhook-signature', 'v1,x'] as [string, string]);
  const variants = caseVariants(30_000);
  const rows: Array<[string, () => void]> = [
    ['100,000 repeated [name, value] pairs', () => refusedAsOurs(() => lib.verify(body, pairs, options))],
    ['30,000 case variants of webhook-signature', () => refusedAsOurs(() => lib.verify(body, variants, options))],
  ];
  console.log('\nheader floods (refused with invalid_header; median of 7 runs):');
  return rows.map(([name, fn]) => {
    fn(); // warm-up
    const ms = timeOnce(fn, 7);
    console.log(`  ${name}: ${ms.toFixed(2)} ms (target < ${FLOOD_TARGET_MS} ms)`);
    return [`${name} refused in < ${FLOOD_TARGET_MS} ms: ${ms.toFixed(2)} ms`, ms < FLOOD_TARGET_MS];
  });
}

function corpus(): Array<[string, boolean]> {
  const cases = buildCorpus(lib);
  const wrong = cases.filter((c) => misbehaviour(lib, c) !== undefined).length; // also the warm-up pass
  let slowest = { name: '', ms: 0 };
  let total = 0;
  for (const c of cases) {
    const ms = timeOnce(() => void misbehaviour(lib, c), 3);
    total += ms;
    if (ms > slowest.ms) slowest = { name: `${c.group} / ${c.name}`, ms };
  }
  console.log(
    `\nmalformed-input corpus: ${cases.length} cases, ${wrong} misbehaving, ${total.toFixed(1)} ms in all; slowest ${slowest.ms.toFixed(2)} ms (${slowest.name})`,
  );
  return [[`corpus: ${cases.length} cases, none misbehaving`, wrong === 0]];
}

type Inserter = (store: ReturnType<typeof memoryStore>) => (id: string) => Promise<unknown>;

/** As a receiver does: one guard.run per event (claim, run, mark done). */
const viaGuard: Inserter = (store) => {
  const guard = createIdempotencyGuard({ store });
  return (id) => guard.run(id, () => undefined);
};
/** The store's own two writes per event, without the guard's token and promise overhead. */
const viaStore: Inserter = (store) => async (id) => {
  await store.claim(id, 'token', 60_000);
  await store.complete(id, 86_400_000);
};

/** Milliseconds to insert `count` fresh ids from `from`. */
async function insert(put: (id: string) => Promise<unknown>, from: number, count: number): Promise<number> {
  const start = performance.now();
  for (let i = from; i < from + count; i++) await put(`evt_${i.toString(36).padStart(12, '0')}`);
  return performance.now() - start;
}

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[values.length >> 1] ?? 0;

/**
 * Rounds alternate a fresh store (filling it: the empty figure) with the same store once full, so
 * drift in the machine's speed lands on both; medians of 5.
 */
async function emptyVsFull(inserter: Inserter): Promise<{ empty: number; full: number }> {
  await insert(inserter(memoryStore()), 0, IDS); // warm-up on a throwaway store
  const empties: number[] = [];
  const fulls: number[] = [];
  for (let round = 0; round < 5; round++) {
    const put = inserter(memoryStore({ maxEntries: IDS }));
    empties.push(await insert(put, 0, IDS));
    fulls.push(await insert(put, IDS, IDS));
  }
  return { empty: median(empties), full: median(fulls) };
}

async function memory(): Promise<Array<[string, boolean]>> {
  console.log(
    `\nmemoryStore (maxEntries ${IDS.toLocaleString('en-US')}): ${IDS.toLocaleString('en-US')} new ids into an empty store, then into the same store full; median of 5`,
  );
  const targets: Array<[string, boolean]> = [];
  for (const [name, inserter, target] of [
    ['guard.run per id', viaGuard, true],
    ['store.claim + store.complete per id', viaStore, false],
  ] as const) {
    const { empty, full } = await emptyVsFull(inserter);
    const ratio = full / empty;
    console.log(
      `  ${name}: empty ${empty.toFixed(0)} ms, full ${full.toFixed(0)} ms = ${ratio.toFixed(2)}×${target ? ` (target ≤ ${FULL_RATIO_TARGET}×)` : ''}`,
    );
    if (target)
      targets.push([
        `memoryStore full/empty via guard.run ≤ ${FULL_RATIO_TARGET}×: ${ratio.toFixed(2)}×`,
        ratio <= FULL_RATIO_TARGET,
      ]);
  }

  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = memoryStore({ maxEntries: IDS });
  await insert(viaStore(kept), 0, IDS);
  gc();
  const mb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  // Reached after the measurement, so the store is not collected before it.
  await kept.claim('evt_0', 'token', 1);
  console.log(
    `memoryStore heap for ${IDS.toLocaleString('en-US')} ids: ${mb.toFixed(1)} MB (target < ${HEAP_TARGET_MB} MB)`,
  );
  return [
    ...targets,
    [`memoryStore heap for 100k ids < ${HEAP_TARGET_MB} MB: ${mb.toFixed(1)} MB`, mb < HEAP_TARGET_MB],
  ];
}

/** Prints the hostile-input figures and returns the targets they meet or miss. */
export async function hostileBench(): Promise<Array<[string, boolean]>> {
  return [...floods(), ...corpus(), ...(await memory())];
}
