// Writes vectors/signatures.json and vectors/events.json. Expected signatures are computed
// here with node:crypto — an implementation independent of this library — so the vectors test
// the library rather than restate it. Run after `npm run build`: node vectors/generate.mjs
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createSampleEvent, EVENT_TYPES } from '../dist/index.js';

const here = new URL('.', import.meta.url);

function bodyBytes(body) {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if ('repeat' in body) return Buffer.from(body.repeat.repeat(body.times), 'utf8');
  return Buffer.from(body.hex, 'hex');
}

function mac(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const h = createHmac('sha256', key);
  h.update(`${id}.${timestamp}.`);
  h.update(bodyBytes(body));
  return `v1,${h.digest('base64')}`;
}

const S1 = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID1 = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS1 = '1614265330';
const BODY1 = '{"test": 2432232314}';
const GOOD1 = mac(S1, ID1, TS1, BODY1);
const OTHER = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

const base = (over = {}) => ({
  secret: S1,
  headers: { 'webhook-id': ID1, 'webhook-timestamp': TS1, 'webhook-signature': GOOD1 },
  body: BODY1,
  now: Number(TS1),
  ...over,
});
const withHeaders = (h) => base({ headers: { ...base().headers, ...h } });

const cases = [
  { name: 'upstream: simple body', ...base(), expect: 'ok' },
  {
    name: 'upstream: second secret and body',
    secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
    headers: {
      'webhook-id': 'msg_27UH4WbU6Z5A5EzD8u03UvzRbpk',
      'webhook-timestamp': '1649367553',
      'webhook-signature': 'v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=',
    },
    body: '{"email":"test@example.com","username":"test_user"}',
    now: 1649367553,
    expect: 'ok',
  },
  ...[
    [1048576, 'v1,txpEUxqWZJ5nteTnymUVa+7C4NHpBeXJ6CsBAW0c3/A='],
    [262144, 'v1,Mw4Pe2WgApuT7NSqnSq0PQPV9gbLdggCl9B865x5Xh0='],
    [262143, 'v1,NTItnqyWMoFhk2Bbe5V/BMdcFRWgcSQaTgqLHX7FC7c='],
  ].map(([times, sig]) => ({
    name: `upstream: "a" x ${times}`,
    ...withHeaders({ 'webhook-signature': sig }),
    body: { repeat: 'a', times },
    expect: 'ok',
  })),
  {
    name: 'decoy entries before the real one',
    ...withHeaders({
      'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,${GOOD1.slice(3)} v1,bad ${GOOD1}`,
    }),
    expect: 'ok',
  },
  {
    name: 'real entry first, decoys after',
    ...withHeaders({ 'webhook-signature': `${GOOD1} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=` }),
    expect: 'ok',
  },
  {
    name: 'entries joined by ", " as fetch joins repeated headers',
    ...withHeaders({ 'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, ${GOOD1}` }),
    expect: 'ok',
  },
  {
    name: 'only decoys',
    ...withHeaders({
      'webhook-signature':
        'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=',
    }),
    expect: 'invalid_signature',
  },
  {
    name: 'right MAC under version v2',
    ...withHeaders({ 'webhook-signature': `v2,${GOOD1.slice(3)}` }),
    expect: 'invalid_signature',
  },
  {
    name: 'right MAC with no version',
    ...withHeaders({ 'webhook-signature': GOOD1.slice(3) }),
    expect: 'invalid_signature',
  },
  {
    name: 'truncated signature',
    ...withHeaders({ 'webhook-signature': GOOD1.slice(0, -4) }),
    expect: 'invalid_signature',
  },
  {
    name: 'signature without padding',
    ...withHeaders({ 'webhook-signature': GOOD1.replace(/=+$/, '') }),
    expect: 'invalid_signature',
  },
  {
    name: 'signature with an extra byte',
    ...withHeaders({
      'webhook-signature': `v1,${Buffer.concat([Buffer.from(GOOD1.slice(3), 'base64'), Buffer.from([0])]).toString('base64')}`,
    }),
    expect: 'invalid_signature',
  },
  {
    name: 'upper-case version tag',
    ...withHeaders({ 'webhook-signature': `V1,${GOOD1.slice(3)}` }),
    expect: 'invalid_signature',
  },
  { name: 'tampered body', ...base({ body: '{"test": 2432232315}' }), expect: 'invalid_signature' },
  {
    name: 'body with added whitespace (re-serialized)',
    ...base({ body: '{"test":2432232314}' }),
    expect: 'invalid_signature',
  },
  {
    name: 'tampered id',
    ...withHeaders({ 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJeK' }),
    expect: 'invalid_signature',
  },
  {
    name: 'tampered timestamp within tolerance',
    ...withHeaders({ 'webhook-timestamp': '1614265331' }),
    expect: 'invalid_signature',
  },
  { name: 'wrong secret', ...base({ secret: OTHER }), expect: 'invalid_signature' },
  { name: 'rotation: old secret first, right one second', ...base({ secret: [OTHER, S1] }), expect: 'ok' },
  { name: 'secret without whsec_ prefix', ...base({ secret: S1.slice(6) }), expect: 'ok' },
  { name: 'timestamp exactly 300 s old', ...base({ now: Number(TS1) + 300 }), expect: 'ok' },
  { name: 'timestamp 301 s old', ...base({ now: Number(TS1) + 301 }), expect: 'timestamp_too_old' },
  { name: 'timestamp exactly 300 s ahead', ...base({ now: Number(TS1) - 300 }), expect: 'ok' },
  { name: 'timestamp 301 s ahead', ...base({ now: Number(TS1) - 301 }), expect: 'timestamp_too_new' },
  {
    name: 'tolerance 10 s, 11 s old',
    ...base({ now: Number(TS1) + 11, toleranceSeconds: 10 }),
    expect: 'timestamp_too_old',
  },
  {
    name: 'stale but tolerance Infinity',
    ...base({ now: Number(TS1) + 10 ** 9, toleranceSeconds: 'Infinity' }),
    expect: 'ok',
  },
  {
    name: 'timestamp with trailing letters',
    ...withHeaders({ 'webhook-timestamp': '1614265330abc' }),
    expect: 'invalid_timestamp',
  },
  {
    name: 'timestamp with a leading space',
    ...withHeaders({ 'webhook-timestamp': ' 1614265330' }),
    expect: 'invalid_timestamp',
  },
  {
    name: 'timestamp with a fraction',
    ...withHeaders({ 'webhook-timestamp': '1614265330.5' }),
    expect: 'invalid_timestamp',
  },
  { name: 'negative timestamp', ...withHeaders({ 'webhook-timestamp': '-1' }), expect: 'invalid_timestamp' },
  {
    name: 'timestamp of 16 digits',
    ...withHeaders({ 'webhook-timestamp': '1614265330000000' }),
    expect: 'invalid_timestamp',
  },
  {
    name: 'timestamp in milliseconds is far in the future',
    ...withHeaders({ 'webhook-timestamp': '1614265330000' }),
    expect: 'timestamp_too_new',
  },
  { name: 'missing webhook-id', ...withHeaders({ 'webhook-id': null }), expect: 'missing_header' },
  { name: 'empty webhook-timestamp', ...withHeaders({ 'webhook-timestamp': '' }), expect: 'missing_header' },
  { name: 'missing webhook-signature', ...withHeaders({ 'webhook-signature': null }), expect: 'missing_header' },
  { name: 'id containing a dot', ...withHeaders({ 'webhook-id': 'msg.1' }), expect: 'invalid_header' },
  { name: 'id containing a space', ...withHeaders({ 'webhook-id': 'msg 1' }), expect: 'invalid_header' },
  { name: 'id of 257 characters', ...withHeaders({ 'webhook-id': 'm'.repeat(257) }), expect: 'invalid_header' },
  {
    name: 'signature header over 16 KiB',
    ...withHeaders({ 'webhook-signature': `${GOOD1} ${'v1,x'.repeat(4200)}` }),
    expect: 'invalid_header',
  },
  { name: 'secret that is not base64', ...base({ secret: 'whsec_not*base64' }), expect: 'invalid_secret' },
  { name: 'secret with a trailing newline', ...base({ secret: `${S1}\n` }), expect: 'invalid_secret' },
  {
    name: 'secret with a 15-byte key',
    ...base({ secret: 'whsec_' + Buffer.alloc(15, 1).toString('base64') }),
    expect: 'invalid_secret',
  },
  {
    name: 'body that is not valid UTF-8 verifies over its raw bytes',
    ...withHeaders({
      'webhook-signature': mac(S1, ID1, TS1, { hex: 'ff fe 7b 22 61 22 3a 31 7d c3 28 80'.replace(/ /g, '') }),
    }),
    body: { hex: 'fffe7b2261223a317dc32880' },
    expect: 'ok',
  },
];
for (const c of cases) {
  for (const [k, v] of Object.entries(c.headers)) if (v === null) delete c.headers[k];
}

writeFileSync(
  new URL('signatures.json', here),
  JSON.stringify({ $comment: 'See README.md in this folder for the format.', cases }, null, 2) + '\n',
);

// One signed CMA envelope per event type, plus envelopes that verify but are not events.
const EV_SECRET = 'whsec_' + Buffer.from('managed-agents-webhooks vectors!').toString('base64');
const EV_TS = '1795000000';
const signed = (name, body, expect) => {
  const id = `msg_vec_${String(signedCount++).padStart(3, '0')}`;
  return {
    name,
    secret: EV_SECRET,
    headers: { 'webhook-id': id, 'webhook-timestamp': EV_TS, 'webhook-signature': mac(EV_SECRET, id, EV_TS, body) },
    body,
    now: Number(EV_TS),
    expect,
  };
};
let signedCount = 0;
const events = EVENT_TYPES.map((type) => {
  const event = createSampleEvent(type, { seed: 'vectors', createdAt: '2026-11-18T10:00:00.000Z' });
  return { ...signed(type, JSON.stringify(event), 'ok'), event };
});
const envelopes = [
  [
    'a future event type passes',
    JSON.stringify({
      type: 'event',
      id: 'evt_future',
      created_at: '2026-11-18T10:00:00Z',
      data: { type: 'session.teleported', id: 'sesn_1', organization_id: 'org_1' },
    }),
    'ok',
  ],
  [
    'extra fields pass',
    JSON.stringify({
      type: 'event',
      id: 'evt_x',
      created_at: '2026-11-18T10:00:00Z',
      extra: 1,
      data: { type: 'vault.created', id: 'vlt_1', organization_id: 'org_1', workspace_id: 'w', more: { a: 1 } },
    }),
    'ok',
  ],
  ['not JSON', 'type=event', 'invalid_json'],
  ['truncated JSON', '{"type":"event","id":"evt_1"', 'invalid_json'],
  ['empty body', '', 'invalid_json'],
  ['JSON array', '[]', 'invalid_event'],
  ['JSON null', 'null', 'invalid_event'],
  [
    'type is not "event"',
    JSON.stringify({ type: 'ping', id: 'evt_1', created_at: 'x', data: { type: 'session.created', id: 's' } }),
    'invalid_event',
  ],
  [
    'id missing',
    JSON.stringify({ type: 'event', created_at: 'x', data: { type: 'session.created', id: 's' } }),
    'invalid_event',
  ],
  [
    'created_at a number',
    JSON.stringify({ type: 'event', id: 'evt_1', created_at: 1, data: { type: 'session.created', id: 's' } }),
    'invalid_event',
  ],
  ['data missing', JSON.stringify({ type: 'event', id: 'evt_1', created_at: 'x' }), 'invalid_event'],
  [
    'data.type missing',
    JSON.stringify({ type: 'event', id: 'evt_1', created_at: 'x', data: { id: 's' } }),
    'invalid_event',
  ],
  [
    'data.id a number',
    JSON.stringify({ type: 'event', id: 'evt_1', created_at: 'x', data: { type: 'session.created', id: 5 } }),
    'invalid_event',
  ],
].map(([name, body, expect]) => signed(name, body, expect));
writeFileSync(
  new URL('events.json', here),
  JSON.stringify({ $comment: 'See README.md in this folder for the format.', events, envelopes }, null, 2) + '\n',
);
console.log(`wrote ${cases.length} signature cases, ${events.length} events, ${envelopes.length} envelopes`);
