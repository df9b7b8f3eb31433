// examples/never-miss as the user runs it: each entry point in a process of its own, bundled with
// esbuild first (Node 20 runs no TypeScript); the package resolves to its built dist/ through the
// workspace link, as a user's would, and bullmq, ioredis and the SDK stay external.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const NEVER_MISS_ENTRIES = ['receiver-main', 'worker-main', 'reconciler-main'] as const;
export type NeverMissEntry = (typeof NEVER_MISS_ENTRIES)[number];

/** Bundles the three entry points into a scratch folder; returns it and a cleanup. */
export async function buildNeverMiss(): Promise<{ dir: string; remove: () => void }> {
  const dir = join(root, '.cache', `never-miss-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: NEVER_MISS_ENTRIES.map((name) => join(root, 'examples/never-miss', `${name}.ts`)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['bullmq', 'ioredis', '@anthropic-ai/sdk', '@anthropic-ai/sdk/*'],
    tsconfig: join(root, 'tsconfig.json'),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A running entry point, with what it printed. */
export interface NeverMissProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts one entry point with exactly `env` (plus PATH) as its environment. */
export function startEntry(dir: string, name: NeverMissEntry, env: Record<string, string>): NeverMissProcess {
  // The bundles sit under the repository, so their bare imports resolve from its node_modules.
  const child = spawn(process.execPath, [join(dir, `${name}.mjs`)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    output: () => text,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
