// A throwaway redis-server for the idempotency tests: Debian's binary (.ci/run installs it), a
// free loopback port, no persistence, stopped by the test's afterAll.
import { spawnSync } from 'node:child_process';
import { freePort, startRedisProcess } from './redis-process.js';

export interface RedisServer {
  url: string;
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** The `redis-server --version` line, or undefined when no binary is on PATH. */
export function redisServerVersion(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** Starts redis-server and resolves once it accepts connections; retries if the port was taken meanwhile. */
export async function startRedis(attempts = 3): Promise<RedisServer> {
  const version = /v=(\S+)/.exec(redisServerVersion() ?? '')?.[1] ?? 'unknown';
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await startRedisProcess(await freePort(), ['--appendonly', 'no']);
      return { port: server.port, version, url: `redis://127.0.0.1:${server.port}`, stop: server.stop };
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}
