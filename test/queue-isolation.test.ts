// bullmq is an optional peer: only the ./queue and ./reconcile entries (the sweep's job scheduler) may load it. Checked on the built files
// (dist/, which npm test builds first), since that is what users install.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const code = readdirSync(dist).filter((file) => /\.(c?js)$/.test(file));
const loadsBullmq = (file: string): boolean =>
  /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']bullmq["']/.test(readFileSync(join(dist, file), 'utf8'));

describe('bullmq stays behind managed-agents-webhooks/queue and /reconcile', () => {
  it('the queue entry loads it, in both formats', () => {
    expect(loadsBullmq('queue.js')).toBe(true);
    expect(loadsBullmq('queue.cjs')).toBe(true);
    expect(loadsBullmq('reconcile.js')).toBe(true);
    expect(loadsBullmq('reconcile.cjs')).toBe(true);
  });

  it('no other entry, shared chunk or the CLI loads it', () => {
    const others = code.filter((file) => !/^(queue|reconcile)\.c?js$/.test(file));
    expect(others).toContain('index.js');
    expect(others).toContain('cli.js');
    expect(others.filter(loadsBullmq)).toEqual([]);
  });
});
