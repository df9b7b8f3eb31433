// The refusal alarm and the onRefused hook, with no OpenTelemetry at all: a receiver refusing every
// delivery (a wrong or rotated secret) must be noticed before the platform disables its endpoint.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret } from '../src/index.js';
import { createRefusalAlarm, unwrapRequest, type RefusalAlarm, type RefusalStreak } from '../src/adapters/web.js';
import { unwrapNodeRequest, verifyNodeRequest } from '../src/adapters/node.js';
import { unwrapLambdaEvent, verifyLambdaEvent } from '../src/lambda/index.js';
import { delivery, type Delivery } from './support/deliveries.js';
import { refusal } from './support/errors.js';

const secret = generateSecret();
const wrongSecret = generateSecret();

function request(d: Delivery): Request {
  return new Request('http://127.0.0.1/webhooks', { method: 'POST', headers: d.headers, body: d.body });
}

/** Three ways in, one delivery each: node (a request holding its body), web, lambda. */
const adapters = {
  node: (d: Delivery, options: object) => unwrapNodeRequest({ headers: d.headers, body: d.body }, options),
  web: (d: Delivery, options: object) => unwrapRequest(request(d), options),
  lambda: async (d: Delivery, options: object) => unwrapLambdaEvent({ headers: d.headers, body: d.body }, options),
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('onRefused', () => {
  for (const [name, receive] of Object.entries(adapters)) {
    it(`${name}: is called with the error and the delivery's webhook-id before the refusal is thrown`, async () => {
      const seen: Array<[string, unknown]> = [];
      const d = delivery(secret);
      const error = await refusal(
        receive(d, {
          secret: wrongSecret,
          refusalAlarm: false,
          onRefused: (err: { code: string }, context: unknown) => seen.push([err.code, context]),
        }),
      );
      expect(error.code).toBe('invalid_signature');
      expect(seen).toEqual([['invalid_signature', { adapter: name, webhookId: d.headers['webhook-id'] }]]);
      // An accepted delivery is no refusal.
      await receive(d, { secret, refusalAlarm: false, onRefused: () => seen.push(['accepted?', undefined]) });
      expect(seen).toHaveLength(1);
    });
  }

  it('a throwing or rejecting hook leaves the refusal as it was', async () => {
    const d = delivery(secret);
    const thrown = await refusal(
      unwrapRequest(request(d), {
        secret: wrongSecret,
        refusalAlarm: false,
        onRefused: () => {
          throw new Error('hook bug');
        },
      }),
    );
    expect(thrown.code).toBe('invalid_signature');
    const rejected = await refusal(
      unwrapNodeRequest(
        { headers: d.headers, body: d.body },
        { secret: wrongSecret, refusalAlarm: false, onRefused: async () => Promise.reject(new Error('hook bug')) },
      ),
    );
    expect(rejected.code).toBe('invalid_signature');
  });

  it('a hook that is not a function is invalid_options, before any reading', async () => {
    const d = delivery(secret);
    const error = await refusal(unwrapRequest(request(d), { secret, onRefused: 'log' as never }));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toContain('onRefused');
    expect(() =>
      unwrapLambdaEvent({ headers: d.headers, body: d.body }, { secret, refusalAlarm: {} as never }),
    ).toThrow(/refusalAlarm must be an alarm from createRefusalAlarm/);
  });

  it('also reports refusals without a webhook-id, and for every adapter entry (verify… too)', async () => {
    const contexts: unknown[] = [];
    const onRefused = (_: unknown, context: unknown): void => void contexts.push(context);
    const d = delivery(secret);
    const { 'webhook-id': _id, ...noId } = d.headers;
    await refusal(verifyNodeRequest({ headers: noId, body: d.body }, { secret, refusalAlarm: false, onRefused }));
    expect(() =>
      verifyLambdaEvent({ headers: null, body: d.body }, { secret, refusalAlarm: false, onRefused }),
    ).toThrow(expect.objectContaining({ code: 'missing_header' }));
    expect(contexts).toEqual([
      { adapter: 'node', webhookId: undefined },
      { adapter: 'lambda', webhookId: undefined },
    ]);
  });
});

describe('createRefusalAlarm', () => {
  async function refuse(alarm: RefusalAlarm, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      await refusal(unwrapRequest(request(delivery(secret)), { secret: wrongSecret, refusalAlarm: alarm }));
    }
  }

  it('ten refusals in a row sound the alarm once; more of the same streak stay quiet', async () => {
    const streaks: RefusalStreak[] = [];
    const alarm = createRefusalAlarm({ onAlarm: (streak) => streaks.push(streak) });
    await refuse(alarm, 9);
    expect(streaks).toEqual([]);
    await refuse(alarm, 1);
    expect(streaks).toHaveLength(1);
    expect(streaks[0]).toMatchObject({ consecutive: 10, code: 'invalid_signature', codes: { invalid_signature: 10 } });
    expect(streaks[0]?.error.code).toBe('invalid_signature');
    await refuse(alarm, 15);
    expect(streaks).toHaveLength(1);
    expect(alarm.consecutive).toBe(25);
  });

  it('an acceptance ends the streak: the next ten sound it again, and nine never do', async () => {
    const streaks: RefusalStreak[] = [];
    const alarm = createRefusalAlarm({ onAlarm: (streak) => streaks.push(streak) });
    await refuse(alarm, 10);
    await unwrapRequest(request(delivery(secret)), { secret, refusalAlarm: alarm });
    expect(alarm.consecutive).toBe(0);
    await refuse(alarm, 9);
    await unwrapNodeRequest({ ...pick(delivery(secret)) }, { secret, refusalAlarm: alarm });
    await refuse(alarm, 9);
    expect(streaks).toHaveLength(1);
    await refuse(alarm, 1);
    expect(streaks).toHaveLength(2);
  });

  it('counts across adapters, and a threshold of its own', async () => {
    const onAlarm = vi.fn();
    const alarm = createRefusalAlarm({ threshold: 3, onAlarm });
    const d = delivery(secret);
    await refusal(unwrapNodeRequest(pick(d), { secret: wrongSecret, refusalAlarm: alarm }));
    await refusal(unwrapRequest(request(d), { secret: wrongSecret, refusalAlarm: alarm }));
    expect(onAlarm).not.toHaveBeenCalled();
    expect(() => unwrapLambdaEvent({ headers: {}, body: d.body }, { secret, refusalAlarm: alarm })).toThrow(
      expect.objectContaining({ code: 'missing_header' }),
    );
    expect(onAlarm).toHaveBeenCalledOnce();
    expect(onAlarm.mock.calls[0]?.[0]).toMatchObject({
      consecutive: 3,
      code: 'missing_header',
      codes: { invalid_signature: 2, missing_header: 1 },
    });
  });

  it('without onAlarm: one console.warn naming the code and what is at stake', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const alarm = createRefusalAlarm();
    await refuse(alarm, 12);
    expect(warn).toHaveBeenCalledOnce();
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain('10 webhook deliveries in a row were refused (invalid_signature ×10)');
    expect(message).toContain('disables an endpoint after sustained failures');
    expect(message).toContain('nothing sent while it is disabled is replayed');
    expect(message).toContain('ANTHROPIC_WEBHOOK_SIGNING_KEY');
  });

  it('with no refusalAlarm option the adapters feed one alarm shared by the process', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // An acceptance first, so whatever earlier tests left in the shared streak is gone.
    await unwrapRequest(request(delivery(secret)), { secret });
    for (let i = 0; i < 10; i++) {
      const d = delivery(secret);
      // Options built anew per call, as the examples do: the streak still counts.
      const error = await refusal(
        i % 2 === 0
          ? unwrapRequest(request(d), { secret: wrongSecret })
          : unwrapNodeRequest(pick(d), { secret: wrongSecret }),
      );
      expect(error.code).toBe('invalid_signature');
    }
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain('invalid_signature ×10');
    // refusalAlarm: false opts a call out of it.
    await unwrapRequest(request(delivery(secret)), { secret });
    for (let i = 0; i < 10; i++) {
      await refusal(unwrapRequest(request(delivery(secret)), { secret: wrongSecret, refusalAlarm: false }));
    }
    expect(warn).toHaveBeenCalledOnce();
  });

  it('what a caller of the core feeds it by hand, and only verification errors count', () => {
    const alarm = createRefusalAlarm({ threshold: 1, onAlarm: () => {} });
    alarm.refused(new TypeError('a bug in the caller'));
    expect(alarm.consecutive).toBe(0);
  });

  it('refuses bad options with invalid_options', () => {
    expect(() => createRefusalAlarm({ threshold: 0 })).toThrow(/threshold must be a whole number >= 1/);
    expect(() => createRefusalAlarm({ threshold: 2.5 })).toThrow(/threshold/);
    expect(() => createRefusalAlarm({ onAlarm: 'page' as never })).toThrow(/onAlarm must be a function/);
    expect(() => createRefusalAlarm(null as never)).toThrow(/options object/);
  });
});

function pick(d: Delivery): { headers: Record<string, string>; body: string } {
  return { headers: d.headers, body: d.body };
}
