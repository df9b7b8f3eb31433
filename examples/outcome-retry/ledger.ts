// What the worker has done for each session, kept in Redis so a restart, a second worker or a
// re-delivered event neither resets the count nor sends twice: one hash per session,
//   outcome-retry:<session id>  sent → feedback messages claimed so far
//                               eval:<outcome id>:<iteration> → claimed | sent | over
//                               alert → claimed | sent
import type { Redis } from 'ioredis';

/**
 * What `claimFeedback` decided for one failed evaluation:
 * - `new`: this run sends feedback number `sent`;
 * - `claimed`: an earlier run claimed it and stopped before recording the send (crashed, or the
 *   API failed): it may or may not have reached the session;
 * - `sent`: already answered;
 * - `over`: the session already had its `max` feedback messages: alert instead.
 */
export type FeedbackClaim = { state: 'new' | 'claimed' | 'sent' | 'over'; sent: number };

export interface Ledger {
  claimFeedback(sessionId: string, evaluation: string, max: number): Promise<FeedbackClaim>;
  feedbackSent(sessionId: string, evaluation: string): Promise<void>;
  /** `new`: this run alerts; `claimed`: an earlier run may have; `sent`: done. */
  claimAlert(sessionId: string): Promise<'new' | 'claimed' | 'sent'>;
  alertSent(sessionId: string): Promise<void>;
}

// Check, count and claim in one step: two workers (or a duplicate hint) racing on one evaluation
// cannot both get `new`, and the count cannot pass `max`.
const CLAIM_FEEDBACK = `
local state = redis.call('HGET', KEYS[1], ARGV[1])
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if not state then
  if sent < tonumber(ARGV[2]) then
    sent = redis.call('HINCRBY', KEYS[1], 'sent', 1)
    state = 'new'
    redis.call('HSET', KEYS[1], ARGV[1], 'claimed')
  else
    state = 'over'
    redis.call('HSET', KEYS[1], ARGV[1], 'over')
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return { state, sent }
`;

const CLAIM_ALERT = `
if redis.call('HSETNX', KEYS[1], 'alert', 'claimed') == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  return 'new'
end
return redis.call('HGET', KEYS[1], 'alert')
`;

/**
 * The ledger in Redis. `retentionSeconds` (default 30 days) is how long a session's record
 * outlives its last change: longer than any session you expect to keep retrying.
 */
export function redisLedger(redis: Redis, retentionSeconds = 30 * 86_400, prefix = 'outcome-retry:'): Ledger {
  const key = (sessionId: string): string => `${prefix}${sessionId}`;
  return {
    async claimFeedback(sessionId, evaluation, max) {
      const [state, sent] = (await redis.eval(
        CLAIM_FEEDBACK,
        1,
        key(sessionId),
        `eval:${evaluation}`,
        max,
        retentionSeconds,
      )) as [FeedbackClaim['state'], number];
      return { state, sent };
    },
    async feedbackSent(sessionId, evaluation) {
      await redis.hset(key(sessionId), `eval:${evaluation}`, 'sent');
    },
    async claimAlert(sessionId) {
      return (await redis.eval(CLAIM_ALERT, 1, key(sessionId), retentionSeconds)) as 'new' | 'claimed' | 'sent';
    },
    async alertSent(sessionId) {
      await redis.hset(key(sessionId), 'alert', 'sent');
    },
  };
}

/**
 * The ledger without the claims: counts every feedback message (so `max` still caps them) but
 * remembers no evaluation and no alert, so each hint about one failed evaluation sends again.
 * Only for showing what the claims prevent; never deploy it.
 */
export function countOnlyLedger(redis: Redis, prefix = 'outcome-retry:'): Ledger {
  return {
    async claimFeedback(sessionId, _evaluation, max) {
      const sent = await redis.hincrby(`${prefix}${sessionId}`, 'sent', 1);
      return sent <= max ? { state: 'new', sent } : { state: 'over', sent: max };
    },
    async feedbackSent() {},
    async claimAlert() {
      return 'new';
    },
    async alertSent() {},
  };
}
