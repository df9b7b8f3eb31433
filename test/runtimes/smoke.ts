// The one smoke suite every runtime runs against the packed package: all vectors, a sign →
// unwrap round trip, a refused tampered delivery, and the web adapter on a real Request where
// the runtime has one. Pure: no Node APIs, so browsers and workers run it as it is.
import type * as Library from '../../src/index.js';
import type * as Web from '../../src/adapters/web.js';
import type * as Lambda from '../../src/lambda/index.js';
import events from '../../vectors/events.json' with { type: 'json' };
import signatures from '../../vectors/signatures.json' with { type: 'json' };
import { vectorBody, vectorOptions, type VectorCase } from '../support/vector-cases.js';

export interface SmokeResult {
  passed: number;
  failed: string[];
  /** Node globals seen by the code under test; edge runtimes must have neither. */
  globals: { process: boolean; Buffer: boolean; Request: boolean };
  /**
   * The HMAC implementation the package took: `native` when it computed MACs with the runtime's
   * `node:crypto` (reached through `process.getBuiltinModule`), else `pure` (@noble/hashes).
   */
  hmac: 'native' | 'pure';
}

interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Counts the MACs the package computes through `node:crypto`, by handing it a counting wrapper
 * when it asks `process.getBuiltinModule` for the module. Installed before the package's first
 * MAC, since it looks the module up once.
 */
function watchNativeHmac(): () => number {
  const host = (globalThis as { process?: ProcessLike }).process;
  const original = host?.getBuiltinModule;
  let macs = 0;
  if (host === undefined || typeof original !== 'function') return () => macs;
  host.getBuiltinModule = (id: string): unknown => {
    const module = original.call(host, id) as Record<string, unknown> | undefined;
    if ((id !== 'node:crypto' && id !== 'crypto') || module === undefined) return module;
    const createHmac = module.createHmac as (...args: unknown[]) => unknown;
    const createSecretKey = module.createSecretKey as (...args: unknown[]) => unknown;
    return {
      createSecretKey: (...args: unknown[]) => createSecretKey.apply(module, args),
      createHmac: (...args: unknown[]) => {
        macs++;
        return createHmac.apply(module, args);
      },
    };
  };
  return () => macs;
}

export async function smoke(
  lib: typeof Library,
  web: typeof Web | undefined,
  lambda: typeof Lambda | undefined,
): Promise<SmokeResult> {
  const nativeMacs = watchNativeHmac();
  let passed = 0;
  const failed: string[] = [];
  const check = async (name: string, run: () => unknown): Promise<void> => {
    try {
      if ((await run()) === false) failed.push(name);
      else passed++;
    } catch (error) {
      failed.push(`${name}: ${(error as Error).message}`);
    }
  };
  const codeOf = async (run: () => unknown): Promise<string> => {
    try {
      await run();
      return 'ok';
    } catch (error) {
      if (!(error instanceof lib.WebhookVerificationError)) throw error;
      return error.code;
    }
  };

  const cases: Array<[string, VectorCase, 'verify' | 'unwrap']> = [
    ...(signatures.cases as VectorCase[]).map((c): [string, VectorCase, 'verify'] => [
      `signatures: ${c.name}`,
      c,
      'verify',
    ]),
    ...(events.events as VectorCase[]).map((c): [string, VectorCase, 'unwrap'] => [`events: ${c.name}`, c, 'unwrap']),
    ...(events.envelopes as VectorCase[]).map((c): [string, VectorCase, 'unwrap'] => [
      `envelopes: ${c.name}`,
      c,
      'unwrap',
    ]),
  ];
  for (const [name, c, fn] of cases) {
    await check(name, async () => {
      const code = await codeOf(() => lib[fn](vectorBody(c.body), c.headers, vectorOptions(c)));
      if (code !== c.expect) throw new Error(`expected ${c.expect}, got ${code}`);
      if (
        c.event !== undefined &&
        JSON.stringify(lib.unwrap(vectorBody(c.body), c.headers, vectorOptions(c))) !== JSON.stringify(c.event)
      ) {
        throw new Error('unwrapped event differs from the vector');
      }
    });
  }

  const secret = lib.generateSecret();
  const body = JSON.stringify(lib.createSampleEvent('session.thread_created'));
  const headers = lib.sign({ id: 'msg_smoke', timestamp: new Date(), body, secret });
  await check(
    'sign → unwrap round trip',
    () => lib.unwrap(body, headers, { secret }).data.type === 'session.thread_created',
  );
  await check(
    'tampered delivery refused with invalid_signature',
    async () => (await codeOf(() => lib.unwrap(`${body} `, headers, { secret }))) === 'invalid_signature',
  );

  const hasRequest = typeof Request === 'function';
  if (hasRequest) {
    await check('web adapter: unwrapRequest on a real Request', async () => {
      if (web === undefined || typeof web.unwrapRequest !== 'function')
        throw new Error('managed-agents-webhooks/web has no unwrapRequest');
      const request = new Request('http://localhost/webhooks', { method: 'POST', headers, body });
      return (await web.unwrapRequest(request, { secret })).data.type === 'session.thread_created';
    });
    await check('web adapter: a tampered Request is refused', async () => {
      const request = new Request('http://localhost/webhooks', {
        method: 'POST',
        headers,
        body: body.replace('thread', 'threat'),
      });
      return (await codeOf(() => web?.unwrapRequest(request, { secret }))) === 'invalid_signature';
    });
  }

  // The Lambda adapter is pure, so every runtime runs it: an HTTP API v2 event as text and as
  // base64 (btoa, not Buffer), and a tampered one.
  const lambdaEvent = (b: string, base64: boolean): Lambda.LambdaHttpEvent => ({
    headers: { ...headers, 'content-type': 'application/json' },
    body: base64 ? btoa(String.fromCharCode(...new TextEncoder().encode(b))) : b,
    isBase64Encoded: base64,
  });
  const unwrapLambda = (event: Lambda.LambdaHttpEvent): unknown => {
    if (lambda === undefined || typeof lambda.unwrapLambdaEvent !== 'function')
      throw new Error('managed-agents-webhooks/lambda has no unwrapLambdaEvent');
    return lambda.unwrapLambdaEvent(event, { secret });
  };
  await check(
    'lambda adapter: a v2 event with a text body',
    () => (unwrapLambda(lambdaEvent(body, false)) as { data: { type: string } }).data.type === 'session.thread_created',
  );
  await check(
    'lambda adapter: a v2 event with a base64 body (isBase64Encoded)',
    () => (unwrapLambda(lambdaEvent(body, true)) as { data: { type: string } }).data.type === 'session.thread_created',
  );
  await check(
    'lambda adapter: a tampered base64 body is refused',
    async () => (await codeOf(() => unwrapLambda(lambdaEvent(`${body} `, true)))) === 'invalid_signature',
  );

  const g = globalThis as { process?: unknown; Buffer?: unknown };
  return {
    passed,
    failed,
    globals: { process: g.process !== undefined, Buffer: g.Buffer !== undefined, Request: hasRequest },
    hmac: nativeMacs() > 0 ? 'native' : 'pure',
  };
}
