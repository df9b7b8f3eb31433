// The scenario driver: a seeded walk of sessions through valid status changes, a third in bursts,
// each ending in a final state the result reports with its version; and the whole stand-in
// (startSimulator) delivering it to a verifying receiver while the SDK reads the same state.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/index.js';
import { createPlatform, runScenario, startSimulator, type Simulator } from '../src/simulate/index.js';
import { startTestReceiver, type TestReceiver } from './support/webhook-receiver.js';

let sim: Simulator | undefined;
let receiver: TestReceiver | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

describe('runScenario', () => {
  it('walks every session through its changes, a third in bursts, ending idle or terminated', async () => {
    const platform = createPlatform({ seed: 1 });
    const run = await runScenario(platform, { sessions: 30, changesPerSession: 4, durationMs: 600, seed: 1 });
    expect(run.sessions).toHaveLength(30);
    expect(run.changes).toBe(120);
    expect(run.sessions.filter((s) => s.burst)).toHaveLength(10);
    expect(platform.events).toHaveLength(30 + 120);
    for (const s of run.sessions) {
      expect(s.statuses).toHaveLength(4);
      expect(['idle', 'terminated']).toContain(s.finalStatus);
      expect(s.finalStatus).toBe(s.statuses.at(-1));
      expect(s.finalUpdatedAt).toBe(platform.getSession(s.id)!.updated_at);
      const changes = platform.events
        .filter((e) => e.data.id === s.id && e.data.type !== 'session.created')
        .map((e) => Date.parse(e.created_at));
      expect(changes).toHaveLength(4);
      // A burst's four changes land within a few ms (timers fire late under load, hence the slack).
      if (s.burst) expect(Math.max(...changes) - Math.min(...changes)).toBeLessThan(150);
    }
    const spread = run.sessions
      .filter((s) => !s.burst)
      .map((s) => platform.events.filter((e) => e.data.id === s.id).map((e) => Date.parse(e.created_at)))
      .map((times) => Math.max(...times) - Math.min(...times));
    expect(Math.max(...spread)).toBeGreaterThan(200);
  });

  it('plans the same walks for the same seed', async () => {
    const plan = async (seed: number) =>
      (await runScenario(createPlatform(), { sessions: 10, durationMs: 0, seed })).sessions.map((s) => [
        s.burst,
        s.statuses,
      ]);
    expect(await plan(3)).toEqual(await plan(3));
    expect(await plan(3)).not.toEqual(await plan(4));
  });

  it('refuses bad options with invalid_options', async () => {
    const platform = createPlatform();
    await expect(runScenario(platform, { sessions: 0 })).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(runScenario(platform, { burstFraction: 2 })).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(runScenario(platform, { durationMs: -1 })).rejects.toMatchObject({ code: 'invalid_options' });
  });
});

describe('startSimulator', () => {
  it('delivers the scenario with chaos while the API serves the final states it lost', async () => {
    const secret = generateSecret();
    receiver = await startTestReceiver(secret);
    sim = await startSimulator({ target: receiver.url, secret, seed: 21, dropRate: 0.5, timeScale: 0.001 });
    expect(sim.secret).toBe(secret);
    const run = await runScenario(sim.platform, { sessions: 12, durationMs: 300, seed: 21 });
    expect(await sim.sender!.drain(10_000)).toBe(true);
    const stats = sim.sender!.stats();
    expect(stats.emitted).toBe(12 * 5);
    expect(stats.droppedByChaos).toBeGreaterThan(10);
    expect(receiver.received).toHaveLength(stats.delivered);
    // What the deliveries missed, the API still tells: each session's final state and version.
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'test', maxRetries: 0 });
    const listed = new Map<string, { status: string; updated_at: string }>();
    for await (const s of client.beta.sessions.list({ limit: 5 })) listed.set(s.id, s);
    expect(listed.size).toBe(12);
    for (const s of run.sessions) {
      expect(listed.get(s.id)).toMatchObject({ status: s.finalStatus, updated_at: s.finalUpdatedAt });
    }
    expect(sim.api.requests.byRoute['GET /v1/sessions']).toBe(3);
  });
});
