import { checkOptions } from '../core/errors.js';
import { generateSecret } from '../core/secret.js';
import { startApiServer, type ApiServer } from './api.js';
import type { ChaosOptions } from './chaos.js';
import { createPlatform, type Platform } from './platform.js';
import { randomSeed, type Seed } from './prng.js';
import { createSender, type Sender, type SenderOptions } from './sender.js';

/**
 * Options of {@link startSimulator}: the API server's address, and the sender's when `target` is set.
 *
 * @example
 * ```ts
 * const options: SimulatorOptions = { target: 'http://127.0.0.1:3000/webhooks', dropRate: 0.25, duplicateRate: 0.1, reorderMs: 2_000, timeScale: 0.05, seed: 1 };
 * ```
 */
export interface SimulatorOptions extends ChaosOptions, Omit<SenderOptions, 'target' | 'secret' | 'seed'> {
  /** Where to deliver webhooks; without it, events are only recorded (`platform.events`). */
  target?: string;
  /** The endpoint secret (`whsec_…`); generated when left out. */
  secret?: string;
  /** Seeds ids and chaos; random when left out. */
  seed?: Seed;
  /** The API's port; 0 (the default) picks a free one. */
  port?: number;
  /** The API's address; `127.0.0.1` by default. */
  host?: string;
  /** Milliseconds between two steps of a scripted agent's turn; 1 by default. */
  agentStepMs?: number;
}

/**
 * The platform stand-in, running: state, API and (with a target) the webhook sender.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ target: 'http://127.0.0.1:3000/webhooks', timeScale: 0.01 });
 * // ANTHROPIC_BASE_URL=sim.url, ANTHROPIC_WEBHOOK_SIGNING_KEY=sim.secret
 * sim.platform.createSession();
 * await sim.close();
 * ```
 */
export interface Simulator {
  /** The API's base URL, for `ANTHROPIC_BASE_URL` or the SDK's `baseURL`. */
  url: string;
  /** The endpoint secret deliveries are signed with, for `ANTHROPIC_WEBHOOK_SIGNING_KEY`. */
  readonly secret: string;
  seed: Seed;
  platform: Platform;
  api: ApiServer;
  /** The sender, when a target was given. */
  sender: Sender | undefined;
  /** Stops the sender (pending deliveries are cancelled) and the API; agents' turns still playing end unheard. */
  close(): Promise<void>;
}

/**
 * Starts the stand-in for the platform: an in-memory state machine of sessions and threads, the
 * sessions API over it on a loopback port, and a sender that signs every change and delivers it
 * to `target` the way Anthropic does, with the chaos knobs applied. Rehearse incidents with no
 * account: point the receiver's secret and `ANTHROPIC_BASE_URL` at it.
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { runScenario, startSimulator } from 'managed-agents-webhooks/simulate';
 *
 * const sim = await startSimulator({ target: 'http://127.0.0.1:3000/webhooks', dropRate: 0.25, seed: 42 });
 * const client = new Anthropic({ baseURL: sim.url, apiKey: 'any' });
 * const run = await runScenario(sim.platform, { sessions: 10, durationMs: 2_000, seed: 42 });
 * await sim.sender?.drain();
 * console.log(sim.sender?.stats(), (await client.beta.sessions.retrieve(run.sessions[0]!.id)).status);
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options, "startSimulator's options", "{ target: 'http://127.0.0.1:3000/webhooks' }");
  const { port, host, target, agentStepMs, ...rest } = options;
  const seed = options.seed ?? randomSeed();
  const secret = options.secret ?? generateSecret();
  const platform = createPlatform({ seed, ...(agentStepMs === undefined ? {} : { agentStepMs }) });
  // Built first: bad sender options throw before a port is taken.
  const sender = target === undefined ? undefined : createSender({ ...rest, target, secret, seed });
  const api = await startApiServer(platform, {
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
  });
  const unsubscribe = sender === undefined ? () => {} : platform.onEvent((event) => sender.send(event));
  return {
    url: api.url,
    get secret() {
      return sender?.secret ?? secret;
    },
    seed,
    platform,
    api,
    sender,
    async close() {
      unsubscribe();
      await sender?.close();
      await api.close();
    },
  };
}
