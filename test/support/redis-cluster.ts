// Real Redis topologies on loopback for the tests: a Redis Cluster (masters, each with replicas,
// built by `redis-cli --cluster create`) and a Sentinel setup (a master, a replica, sentinels).
// Every process is started here in a temp dir of its own, waited for with a bound, and stopped by
// its pid; the temp dirs are removed by stop().
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One redis-server (or sentinel) process. */
export interface RedisNode {
  port: number;
  pid: number;
  /** SIGKILL, as a crashed host: no shutdown, no goodbye to the cluster. */
  kill(): Promise<void>;
  /** SIGTERM, for the end of a test. */
  stop(): Promise<void>;
  /** Whether the process is still running. */
  alive(): boolean;
}

/** A master of the cluster, its slot ranges and its replicas' ports, as `CLUSTER NODES` says now. */
export interface ClusterMaster {
  port: number;
  slots: Array<[number, number]>;
  replicas: number[];
}

export interface RedisCluster {
  nodes: RedisNode[];
  /** Where a client starts: every node, as `{ host, port }`. */
  rootNodes: Array<{ host: string; port: number }>;
  /** The masters now, read from a live node. */
  masters(): Promise<ClusterMaster[]>;
  /** The node whose master serves `slot`, now. */
  masterOf(slot: number): Promise<ClusterMaster>;
  /** Resolves once every live node says `cluster_state:ok` and every slot has a live master. */
  healthy(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisSentinelSetup {
  /** The name the sentinels monitor the master under. */
  name: string;
  master: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  stop(): Promise<void>;
}

/** Whether `redis-server` and `redis-cli` (needed to build a cluster) are both on PATH. */
export function redisToolsAvailable(): boolean {
  return ['redis-server', 'redis-cli'].every(
    (tool) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0,
  );
}

/** Runs redis-cli with a time bound; resolves to its stdout. */
export function redisCli(args: string[], ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: ms, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/**
 * A loopback port free now whose cluster bus port (port + 10,000) is free too. Drawn below the
 * usual ephemeral range, so the bus port stays under 65,536; at most 200 draws.
 */
export async function freeClusterPort(): Promise<number> {
  for (let draw = 0; draw < 200; draw++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await canBind(port)) && (await canBind(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free pair of loopback ports (port and port + 10000) after 200 draws');
}

/** Starts `redis-server args…` in `dir`; resolves once its log shows `ready`, within 10 s. */
function spawnRedis(args: string[], dir: string, port: number, ready: string): Promise<RedisNode> {
  const child: ChildProcess = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server ${args.join(' ')} did not start within 10 s:\n${log}`));
    }, 10_000);
    const onData = (chunk: string): void => {
      log += chunk;
      if (!log.includes(ready)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve({
        port,
        pid: child.pid ?? -1,
        alive: running,
        kill: async () => {
          if (running()) child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (running()) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${log}`));
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (log += chunk));
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const common = (port: number): string[] => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
];

/** Polls `check` every 50 ms; throws after `ms`, naming `what`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Parses `CLUSTER NODES` into masters, skipping failed nodes. */
function parseNodes(text: string): ClusterMaster[] {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(' '));
  const port = (address: string | undefined): number => Number(/:(\d+)@/.exec(address ?? '')?.[1]);
  const ids = new Map<string, ClusterMaster>();
  for (const [id, address, flags, , , , , , ...slots] of lines) {
    if (flags === undefined || !flags.includes('master') || flags.includes('fail')) continue;
    const ranges = slots
      .filter((slot) => !slot.startsWith('['))
      .map((slot): [number, number] => {
        const [from, to] = slot.split('-').map(Number);
        return [from ?? 0, to ?? from ?? 0];
      });
    if (ranges.length > 0) ids.set(id ?? '', { port: port(address), slots: ranges, replicas: [] });
  }
  for (const [, address, flags, masterId] of lines) {
    if (flags === undefined || !flags.includes('slave') || flags.includes('fail')) continue;
    ids.get(masterId ?? '')?.replicas.push(port(address));
  }
  return [...ids.values()];
}

/**
 * Starts a Redis Cluster of `masters` masters with `replicas` replicas each, on free loopback
 * ports, with a 1 s node timeout so a killed master's replica takes over within seconds.
 * Resolves once every slot is served and every replica is in sync.
 */
export async function startRedisCluster({ masters = 3, replicas = 1 } = {}): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'maw-cluster-'));
  const nodes: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freeClusterPort();
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const args = [
        ...common(port),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '1000',
      ];
      nodes.push(await spawnRedis(args, nodeDir, port, 'Ready to accept connections'));
    }
    await redisCli(
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const live = (): RedisNode[] => nodes.filter((node) => node.alive());
  const masterList = async (): Promise<ClusterMaster[]> => {
    const [node] = live();
    if (node === undefined) throw new Error('no live cluster node');
    return parseNodes(await redisCli(['-p', String(node.port), 'cluster', 'nodes']));
  };
  const cluster: RedisCluster = {
    nodes,
    rootNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    masters: masterList,
    async masterOf(slot) {
      const found = (await masterList()).find((master) =>
        master.slots.some(([from, to]) => slot >= from && slot <= to),
      );
      if (found === undefined) throw new Error(`no master serves slot ${slot}`);
      return found;
    },
    async healthy(ms = 20_000) {
      await until(
        async () => {
          for (const node of live()) {
            const info = await redisCli(['-p', String(node.port), 'cluster', 'info'], 2_000);
            if (!info.includes('cluster_state:ok')) return false;
          }
          const current = await masterList();
          const served = current.flatMap((master) => master.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0);
          if (served !== 16_384) return false;
          // Every live replica has its initial sync done, so a failover has data to take over.
          for (const master of current) {
            for (const replica of master.replicas) {
              const info = await redisCli(['-p', String(replica), 'info', 'replication'], 2_000);
              if (!info.includes('master_link_status:up')) return false;
            }
          }
          return true;
        },
        ms,
        'the cluster to be healthy',
      );
    },
    stop,
  };
  try {
    await cluster.healthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return cluster;
}

/**
 * Starts a master, a replica of it and `sentinels` sentinels monitoring it as `name` (quorum 1,
 * down after 1 s), on free loopback ports. Resolves once every sentinel knows the replica.
 */
export async function startRedisSentinel({ sentinels = 1, name = 'main' } = {}): Promise<RedisSentinelSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'maw-sentinel-'));
  const started: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = 'Ready to accept connections';
    const masterPort = await freeClusterPort();
    const master = await spawnRedis(common(masterPort), dir, masterPort, ready);
    started.push(master);
    const replicaPort = await freeClusterPort();
    const replicaArgs = [...common(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)];
    const replica = await spawnRedis(replicaArgs, dir, replicaPort, ready);
    started.push(replica);
    const watchers: RedisNode[] = [];
    for (let i = 0; i < sentinels; i++) {
      const port = await freeClusterPort();
      // A sentinel rewrites its config file, so each gets its own.
      const config = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          '',
        ].join('\n'),
      );
      const sentinel = await spawnRedis([config, '--sentinel'], dir, port, '+monitor master');
      started.push(sentinel);
      watchers.push(sentinel);
    }
    await until(
      async () => {
        const info = await redisCli(['-p', String(replicaPort), 'info', 'replication'], 2_000);
        if (!info.includes('master_link_status:up')) return false;
        for (const sentinel of watchers) {
          const known = await redisCli(['-p', String(sentinel.port), 'sentinel', 'replicas', name], 2_000);
          if (!known.includes(String(replicaPort))) return false;
        }
        return true;
      },
      20_000,
      'the replica to sync and the sentinels to know it',
    );
    return { name, master, replica, sentinels: watchers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
