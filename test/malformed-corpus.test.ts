// Hostile input, as a corpus: for every case only a WebhookVerificationError escapes (or the
// caller's own error, from its own getter, trap, iterator or clock), nothing malformed is
// accepted and nothing valid refused. bench/hostile.ts times the same corpus.
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import { buildCorpus, misbehaviour } from './support/malformed-corpus.js';

const corpus = buildCorpus(lib);

describe('malformed-input corpus', () => {
  it('has at least 300 cases across bodies, headers, options, secrets, envelopes and sign()', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const groups = new Set(corpus.map((c) => c.group));
    for (const group of ['body', 'headers', 'options', 'envelope', 'sign', 'own-throw'])
      expect(groups).toContain(group);
  });

  it('every case: only our error escapes, nothing malformed accepted, nothing valid refused', () => {
    const wrong = corpus.flatMap((c) => {
      const problem = misbehaviour(lib, c);
      return problem === undefined ? [] : [`${c.group} / ${c.name}: ${problem}`];
    });
    expect(wrong).toEqual([]);
  });
});
