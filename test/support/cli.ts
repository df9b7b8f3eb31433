// The built CLI (dist/cli.js) run as a child process, the way users and scripts run it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI; `npm test` builds before the unit tests. */
export const cli: string = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** What a CLI run printed, and its exit code. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Only PATH and what a test sets: the CLI must not depend on the caller's environment. Typed as
 * ProcessEnv because framework type packages (Next.js) make some of its variables required.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Partial<NodeJS.ProcessEnv> = { PATH: process.env.PATH ?? '', ...extra };
  return env as NodeJS.ProcessEnv;
}

/** Runs `managed-agents-webhooks <args>` with only `env` besides PATH; never rejects. */
export function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: childEnv(env), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
