// Cold start: a fresh `node` that imports a verifier and checks one delivery, for this package
// beside standardwebhooks, the official SDK and an empty process. Spawns interleave the
// contenders round by round so drift in the machine's load spreads over all of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, sign } from 'managed-agents-webhooks';

export interface ColdStartRow {
  name: string;
  /** Median wall time of the whole process, spawn to exit, in ms. */
  processMs: number;
  /** Median time inside the process from before the import to after the verify, in ms. */
  importVerifyMs: number;
  /** Median CPU time (user + system) of the whole process up to after the verify, in ms; less
   * disturbed than wall time by other load on the machine. */
  cpuMs: number;
}

interface Contender {
  name: string;
  file: string;
}

// Inside the package folder, so `import 'managed-agents-webhooks'` resolves to dist/ through the
// package's own exports map, as a user's import does.
const DIR = join(process.cwd(), '.cache/cold-start');

function script(name: string, setup: string, check: string): Contender {
  const file = join(DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  // `performance.now()` counts from the process's start; the difference isolates import + verify
  // from Node's own boot, which every contender pays alike.
  writeFileSync(
    file,
    `const start = performance.now();\n${setup}\nconst result = ${check};\nif (!result) throw new Error('not verified');\nconst cpu = process.cpuUsage();\nconsole.log('COLD ' + (performance.now() - start) + ' ' + (cpu.user + cpu.system) / 1000);\n`,
  );
  return { name, file };
}

/** Median process and import + verify times over `rounds` interleaved spawns per contender. */
export function coldStart(rounds: number): ColdStartRow[] {
  mkdirSync(DIR, { recursive: true });
  const secret = generateSecret();
  const body = JSON.stringify({
    type: 'event',
    id: 'evt_01KBZ4TD1Y6CJM1Q8YYQ3ZJ3JQZ8N5KJ3',
    created_at: new Date().toISOString(),
    data: { type: 'session.status_idled', id: 'sesn_011CVtbRfGBcKm3QuWn9zV7a', organization_id: 'org_1' },
  });
  const headers = sign({ id: 'msg_cold', timestamp: new Date(), body, secret });
  const args = `${JSON.stringify(body)}, ${JSON.stringify(headers)}`;
  const contenders = [
    script('empty node', '', 'true'),
    script(
      'managed-agents-webhooks unwrap',
      "const { unwrap } = await import('managed-agents-webhooks');",
      `unwrap(${args}, { secret: ${JSON.stringify(secret)} })`,
    ),
    script(
      'standardwebhooks Webhook#verify (reference)',
      "const { Webhook } = await import('standardwebhooks');",
      `new Webhook(${JSON.stringify(secret)}).verify(${args})`,
    ),
    script(
      '@anthropic-ai/sdk webhooks.unwrap',
      "const { default: Anthropic } = await import('@anthropic-ai/sdk');",
      `new Anthropic({ apiKey: 'bench', webhookKey: ${JSON.stringify(secret)} }).beta.webhooks.unwrap(${JSON.stringify(body)}, { headers: ${JSON.stringify(headers)} })`,
    ),
  ];
  const samples = contenders.map(() => ({ wall: [] as number[], inside: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, contender] of contenders.entries()) {
      const { wall, inside, cpu } = spawnOnce(contender);
      samples[i]?.wall.push(wall);
      samples[i]?.inside.push(Number(inside));
      samples[i]?.cpu.push(Number(cpu));
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    processMs: median(samples[i]?.wall ?? []),
    importVerifyMs: median(samples[i]?.inside ?? []),
    cpuMs: median(samples[i]?.cpu ?? []),
  }));
}

/**
 * One fresh process. Retried twice, a second apart: dist/ may be mid-rebuild when the bench
 * shares a checkout with a running build; a third failure is real and thrown.
 */
function spawnOnce(contender: Contender): { wall: number; inside: string; cpu: string } {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [contender.file], { encoding: 'utf8', timeout: 30_000 });
    const wall = performance.now() - started;
    const [, inside, cpu] = /COLD ([\d.]+) ([\d.]+)/.exec(child.stdout) ?? [];
    if (child.status === 0 && inside !== undefined && cpu !== undefined) return { wall, inside, cpu };
    if (attempt === 3) {
      throw new Error(`${contender.name} failed: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}
