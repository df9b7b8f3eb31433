import { describe, expect, it, vi } from 'vitest';
import { createSampleEvent, dispatch, EVENT_TYPES, isKnownEventType, type UnknownWebhookEvent } from '../src/index.js';

describe('the event catalogue', () => {
  it('lists 52 distinct data.type values: the 51 of @anthropic-ai/sdk 1.16 and session.status_scheduled', () => {
    expect(EVENT_TYPES).toHaveLength(52);
    expect(new Set(EVENT_TYPES).size).toBe(52);
    expect(EVENT_TYPES).toContain('external_storage.failed');
    expect(EVENT_TYPES).toContain('external_storage.recovered');
    expect(EVENT_TYPES).toContain('session.status_scheduled');
    expect(Object.isFrozen(EVENT_TYPES)).toBe(true);
  });

  it('knows its own types and nothing else', () => {
    for (const type of EVENT_TYPES) expect(isKnownEventType(type)).toBe(true);
    for (const type of ['session.teleported', '', 'constructor', '__proto__', 'toString']) {
      expect(isKnownEventType(type)).toBe(false);
    }
  });

  it.each(EVENT_TYPES.map((t) => [t]))('samples %s with the fields its type promises', (type) => {
    const event = createSampleEvent(type, { id: 'evt_fixed' });
    expect(event).toMatchObject({ type: 'event', id: 'evt_fixed', data: { type } });
    const data = event.data as Record<string, unknown>;
    expect(typeof data.id).toBe('string');
    expect(typeof data.organization_id).toBe('string');
    const orgLevel = ['user_profile.', 'external_key.', 'external_storage.'].some((f) => type.startsWith(f));
    expect('workspace_id' in data).toBe(!orgLevel);
    expect('session_thread_id' in data).toBe(type.startsWith('session.thread_'));
    expect('vault_id' in data).toBe(type.startsWith('vault_credential.'));
    expect('enforcement_action_id' in data).toBe(type.startsWith('user_profile.enforcement_action_'));
  });

  it('samples ids with the prefixes the SDK documents for the organization-level families', () => {
    expect(createSampleEvent('external_storage.failed').data.id).toMatch(/^estrg_/);
    expect(createSampleEvent('external_storage.recovered').data.id).toMatch(/^estrg_/);
    expect(createSampleEvent('external_key.failed').data.id).toMatch(/^ekey_/);
  });

  it('dispatches the external storage types to their own handlers, narrowed', () => {
    const seen: string[] = [];
    for (const type of ['external_storage.failed', 'external_storage.recovered'] as const) {
      dispatch(createSampleEvent(type), {
        'external_storage.failed': (e) => seen.push(`failed ${e.data.id.slice(0, 6)}`),
        'external_storage.recovered': (e) => seen.push(`recovered ${e.data.id.slice(0, 6)}`),
        default: () => seen.push('default'),
      });
    }
    expect(seen).toEqual(['failed estrg_', 'recovered estrg_']);
  });

  it('samples deterministically with a seed and randomly without', () => {
    const a = createSampleEvent('session.created', { seed: 's', createdAt: '2026-01-01T00:00:00Z' });
    expect(createSampleEvent('session.created', { seed: 's', createdAt: '2026-01-01T00:00:00Z' })).toEqual(a);
    expect(createSampleEvent('session.created').id).not.toBe(createSampleEvent('session.created').id);
    expect(() => createSampleEvent('nope' as never)).toThrow(/Unknown event type "nope"/);
  });
});

describe('dispatch', () => {
  const idled = createSampleEvent('session.status_idled');
  const thread = createSampleEvent('session.thread_created');
  const future: UnknownWebhookEvent = {
    type: 'event',
    id: 'evt_f',
    created_at: 'x',
    data: { type: 'session.teleported', id: 's' },
  };

  it('calls the handler for the type with the event and returns its result', () => {
    const onThread = vi.fn((e: typeof thread) => e.data.session_thread_id);
    const result = dispatch(thread, { 'session.thread_created': onThread, default: () => 'default' });
    expect(onThread).toHaveBeenCalledWith(thread);
    expect(result).toBe(thread.data.session_thread_id);
  });

  it('falls back to default for unhandled and unknown types, and to undefined without one', () => {
    const fallback = vi.fn(() => 'default');
    expect(dispatch(idled, { 'session.thread_created': () => 'thread', default: fallback })).toBe('default');
    expect(dispatch(future, { default: fallback })).toBe('default');
    expect(fallback).toHaveBeenCalledTimes(2);
    expect(dispatch(idled, { 'session.thread_created': () => 'thread' })).toBeUndefined();
  });

  it('returns the promise of an async handler', async () => {
    await expect(dispatch(idled, { 'session.status_idled': async (e) => e.id })).resolves.toBe(idled.id);
  });

  it('never reaches Object.prototype for a hostile type', () => {
    const hostile: UnknownWebhookEvent = { ...future, data: { type: 'constructor', id: 'x' } };
    expect(dispatch(hostile, {})).toBeUndefined();
    expect(dispatch({ ...future, data: { type: 'toString', id: 'x' } }, { default: () => 1 })).toBe(1);
  });
});
