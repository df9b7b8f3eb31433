// Two copies of the package in one app — its ESM and CommonJS builds, as bundlers and test
// runners produce — each define their own WebhookVerificationError class, so `instanceof` fails
// across them; isWebhookVerificationError holds, through a Symbol.for brand. Run in a child
// process on dist/, the files users load.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const SCRIPT = `
import { createRequire } from 'node:module';
const esm = await import('managed-agents-webhooks');
const cjs = createRequire(process.cwd() + '/')('managed-agents-webhooks');
const refusal = (m) => { try { m.verify('{}', {}, { secret: m.generateSecret() }); } catch (e) { return e; } };
const fromCjs = refusal(cjs);
const fromEsm = refusal(esm);
const forged = Object.assign(new Error('x'), { name: 'WebhookVerificationError', code: 'invalid_signature', status: 400 });
console.log(JSON.stringify({
  twoClasses: esm.WebhookVerificationError !== cjs.WebhookVerificationError,
  codes: [fromCjs.code, fromEsm.code],
  instanceofAcross: [fromCjs instanceof esm.WebhookVerificationError, fromEsm instanceof cjs.WebhookVerificationError],
  instanceofSame: [fromCjs instanceof cjs.WebhookVerificationError, fromEsm instanceof esm.WebhookVerificationError],
  guardAcross: [esm.isWebhookVerificationError(fromCjs), cjs.isWebhookVerificationError(fromEsm)],
  guardSame: [esm.isWebhookVerificationError(fromEsm), cjs.isWebhookVerificationError(fromCjs)],
  constructedAcross: esm.isWebhookVerificationError(new cjs.WebhookVerificationError('invalid_body', 'm')),
  others: [new Error('x'), forged, { code: 'invalid_signature' }, null, undefined, 'invalid_signature', 0]
    .map((v) => esm.isWebhookVerificationError(v) || cjs.isWebhookVerificationError(v)),
  brandHidden: [Object.keys(fromCjs).includes('code'), JSON.stringify(fromCjs).includes('true')],
}));
`;

describe('isWebhookVerificationError across the ESM and CommonJS builds', () => {
  if (!existsSync(new URL('../dist/index.cjs', import.meta.url)))
    throw new Error('dist/ is missing: run npm run build first');
  const result = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: root, encoding: 'utf8' }),
  ) as Record<string, unknown>;

  it('loads two distinct classes, where instanceof fails across them', () => {
    expect(result.twoClasses).toBe(true);
    expect(result.codes).toEqual(['missing_header', 'missing_header']);
    expect(result.instanceofSame).toEqual([true, true]);
    expect(result.instanceofAcross).toEqual([false, false]);
  });

  it('recognises an error from either copy with either copy', () => {
    expect(result.guardSame).toEqual([true, true]);
    expect(result.guardAcross).toEqual([true, true]);
    expect(result.constructedAcross).toBe(true);
  });

  it('refuses everything else, including a look-alike without the brand', () => {
    expect(result.others).toEqual([false, false, false, false, false, false, false]);
  });

  it('keeps the brand out of keys and JSON', () => {
    expect(result.brandHidden).toEqual([true, false]);
  });
});
