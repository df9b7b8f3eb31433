// Starts a framework's own server (next start, functions-framework, a local Lambda emulator) as a
// child process on a free loopback port, waits until it answers, and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';

export { freePort } from './ports.js';

export interface ServiceProcess {
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Stops the process group started here (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  env: Record<string, string>;
  /** Resolves once this URL answers any HTTP status, or the output matches `readyText`. */
  readyUrl?: string;
  readyText?: RegExp;
  timeoutMs: number;
  /** Called with each complete line the process prints. */
  onLine?: (line: string) => void;
}

/** Spawns `command` in its own process group so its children stop with it. */
export async function startService(command: string, args: string[], options: StartOptions): Promise<ServiceProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  let partial = '';
  const onData = (chunk: string): void => {
    log += chunk;
    if (options.onLine === undefined) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  child.stdout?.setEncoding('utf8').on('data', onData);
  child.stderr?.setEncoding('utf8').on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: ServiceProcess = { output: () => log, stop: () => stop(child, exited) };

  const deadline = Date.now() + options.timeoutMs;
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  // Bounded by the deadline: one probe every 200 ms.
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`${command} exited before it was ready:\n${log.slice(-2000)}`);
    if (options.readyText?.test(log)) return service;
    if (options.readyUrl !== undefined && (await answers(options.readyUrl))) return service;
    await new Promise((r) => setTimeout(r, 200));
  }
  await service.stop();
  throw new Error(`${command} was not ready within ${options.timeoutMs} ms:\n${log.slice(-2000)}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // The leader is gone; anything it started and left behind in its group goes too.
  try {
    process.kill(group, 'SIGKILL');
  } catch {
    // nothing left
  }
}
