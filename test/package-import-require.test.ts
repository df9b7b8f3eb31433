// The built package (dist/, made by `npm run build` before the tests in `npm test`) loads by
// its own name through the exports map, under import and require alike.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

const roundTrip = `
  const secret = m.generateSecret();
  const body = JSON.stringify(m.createSampleEvent('session.thread_created'));
  const headers = m.sign({ id: 'msg_1', timestamp: new Date(), body, secret });
  const event = m.unwrap(body, headers, { secret });
  let code;
  try { m.unwrap(body + ' ', headers, { secret }); } catch (e) { code = e instanceof m.WebhookVerificationError && e.code; }
  console.log(JSON.stringify([event.data.type, m.EVENT_TYPES.length, code]));
`;
const expected = JSON.stringify(['session.thread_created', 52, 'invalid_signature']);

describe('the built package', () => {
  beforeAll(() => {
    if (!existsSync(new URL('../dist/index.cjs', import.meta.url)))
      throw new Error('dist/ is missing: run npm run build first');
  });

  it('works with import', () => {
    expect(node(['--input-type=module', '-e', `import * as m from 'managed-agents-webhooks'; ${roundTrip}`])).toBe(
      expected,
    );
  });

  it('works with require', () => {
    expect(node(['-e', `const m = require('managed-agents-webhooks'); ${roundTrip}`])).toBe(expected);
  });

  it('throws one error class across entries, under require too', () => {
    const script = `
      const { WebhookVerificationError } = require('managed-agents-webhooks');
      const { verifyRequest } = require('managed-agents-webhooks/web');
      verifyRequest(new Request('http://x', { method: 'POST', body: '{}' }), { secret: 'whsec_' + 'A'.repeat(43) + '=' })
        .catch((e) => console.log(e instanceof WebhookVerificationError, e.code));
    `;
    expect(node(['-e', script])).toBe('true missing_header');
  });
});
