// The stand-in's state machine: each change bumps the resource's version (updated_at) strictly
// and emits the event Anthropic sends for it, in the envelope receivers verify and parse.
import { describe, expect, it } from 'vitest';
import { isKnownEventType, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import { createPlatform } from '../src/simulate/index.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('createPlatform', () => {
  it('emits the webhook event of every change, with the envelope Anthropic sends', () => {
    const platform = createPlatform({ seed: 1 });
    const seen: WebhookEvent[] = [];
    platform.onEvent((e) => seen.push(e));
    const { id } = platform.createSession();
    for (const status of ['running', 'rescheduling', 'running', 'idle'] as const) platform.setSessionStatus(id, status);
    const thread = platform.createThread(id);
    platform.setThreadStatus(id, thread.id, 'idle');
    platform.setThreadStatus(id, thread.id, 'running'); // no webhook for this one
    platform.setThreadStatus(id, thread.id, 'terminated');
    platform.setSessionStatus(id, 'terminated');

    expect(seen.map((e) => e.data.type)).toEqual([
      'session.created',
      'session.status_run_started',
      'session.status_rescheduled',
      'session.status_run_started',
      'session.status_idled',
      'session.thread_created',
      'session.thread_idled',
      'session.thread_terminated',
      'session.status_terminated',
    ]);
    expect(platform.events).toEqual(seen);
    for (const event of seen) {
      expect(event.type).toBe('event');
      expect(event.id).toMatch(/^evt_011C/);
      expect(event.created_at).toMatch(ISO_MS);
      expect(isKnownEventType(event.data.type)).toBe(true);
      expect(event.data).toMatchObject({
        id,
        organization_id: platform.organizationId,
        workspace_id: platform.workspaceId,
      });
      const threadEvent = event.data.type.startsWith('session.thread_');
      expect((event.data as { session_thread_id?: string }).session_thread_id).toBe(
        threadEvent ? thread.id : undefined,
      );
    }
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    // The event's time is the change's: the version a receiver will fetch.
    expect(seen.at(-1)!.created_at).toBe(platform.getSession(id)!.updated_at);
  });

  it('bumps updated_at strictly even when every change lands in the same millisecond or the clock steps back', () => {
    let now = Date.UTC(2026, 5, 1, 12);
    const platform = createPlatform({ now: () => now });
    const { id, updated_at: created } = platform.createSession();
    const versions = [created];
    for (let i = 0; i < 50; i++) {
      if (i === 25) now -= 5_000;
      versions.push(platform.setSessionStatus(id, i % 2 === 0 ? 'running' : 'idle').updated_at);
    }
    for (const [i, v] of versions.entries()) {
      expect(v).toMatch(ISO_MS);
      if (i > 0) {
        expect(Date.parse(v)).toBeGreaterThan(Date.parse(versions[i - 1]!));
        expect(v > versions[i - 1]!).toBe(true); // as strings too, as a store comparing them would
      }
    }
  });

  it('changes nothing for the same status, and never a terminated session', () => {
    const platform = createPlatform();
    const session = platform.createSession();
    const same = platform.setSessionStatus(session.id, 'idle');
    expect(same.updated_at).toBe(session.updated_at);
    expect(platform.events).toHaveLength(1);
    platform.setSessionStatus(session.id, 'terminated');
    let error: unknown;
    try {
      platform.setSessionStatus(session.id, 'running');
    } catch (e) {
      error = e;
    }
    expect(isWebhookVerificationError(error) && error.code).toBe('invalid_options');
    expect(() => platform.setSessionStatus('sesn_missing', 'idle')).toThrow(/create it first/);
    expect(() => platform.setSessionStatus(session.id, 'paused' as never)).toThrow(/'idle', 'running'/);
  });

  it("moves the session's updated_at with its threads' changes, unless told not to", () => {
    let now = 1_000;
    for (const touch of [true, false]) {
      const platform = createPlatform({ now: () => ++now, threadsTouchSession: touch });
      const { id, updated_at } = platform.createSession();
      const thread = platform.createThread(id);
      platform.setThreadStatus(id, thread.id, 'idle');
      expect(platform.getSession(id)!.updated_at > updated_at).toBe(touch);
      expect(platform.events.filter((e) => e.data.type.startsWith('session.status'))).toEqual([]);
    }
  });

  it('names everything the same way for the same seed', () => {
    const run = (seed: number): string[] => {
      const platform = createPlatform({ seed });
      const { id } = platform.createSession();
      platform.setSessionStatus(id, 'running');
      return [platform.organizationId, platform.workspaceId, id, ...platform.events.map((e) => e.id)];
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('hands out copies: changing one does not change the platform', () => {
    const platform = createPlatform();
    const session = platform.createSession();
    session.status = 'terminated';
    session.metadata.x = 'y';
    expect(platform.getSession(session.id)).toMatchObject({ status: 'idle', metadata: {} });
  });
});
