// A redis-server with arguments of the test's choosing (AOF on, a data dir, a fixed port) that the
// test can kill and start again on the same port and data, to prove what survives a restart.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RedisProcess {
  port: number;
  pid: number;
  /** SIGKILL: no shutdown save, so only what was already on disk survives. */
  kill(): Promise<void>;
  /** SIGTERM: the ordinary shutdown, for the end of a test. */
  stop(): Promise<void>;
}

export { freePort } from './ports.js';

/** Starts redis-server on 127.0.0.1:port with extra arguments; resolves once it accepts connections. */
export function startRedisProcess(port: number, args: string[] = []): Promise<RedisProcess> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--protected-mode', 'yes', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (log += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${log}`));
    }, 10_000);
    const onData = (): void => {
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve({
        port,
        pid: child.pid ?? -1,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${log}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Polls `check` every 25 ms until it is true; throws after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
