// Which B session each A session started, kept in Redis: one hash per A session,
//   agent-chain:<A session id>  state → creating | started
//                               claimed_at → ms since the epoch, when the first run claimed it
//                               b_session → B's session id, once started
import type { Redis } from 'ioredis';

/**
 * What `claim` found: `claimed` when this run took the claim (it creates B); otherwise the
 * record an earlier run left — `started` (done), or `creating` (it stopped between claiming and
 * recording B: B may exist).
 */
export interface ChainClaim {
  claimed: boolean;
  state: 'creating' | 'started';
  bSessionId: string | undefined;
  claimedAt: number;
}

// Claim, or read what is there, in one step: two runs cannot both get `claimed`.
const CLAIM = `
if redis.call('HSETNX', KEYS[1], 'state', 'creating') == 1 then
  redis.call('HSET', KEYS[1], 'claimed_at', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return { 1, 'creating', '', ARGV[1] }
end
local f = redis.call('HMGET', KEYS[1], 'state', 'b_session', 'claimed_at')
return { 0, f[1] or 'creating', f[2] or '', f[3] or '0' }
`;

export interface ChainLedger {
  claim(aSessionId: string): Promise<ChainClaim>;
  started(aSessionId: string, bSessionId: string): Promise<void>;
}

/**
 * The ledger in Redis. `retentionSeconds` (default 30 days) is how long a record lives: longer
 * than hints about an A session keep coming (the sweep's window, the queue's retries).
 */
export function redisChainLedger(
  redis: Redis,
  retentionSeconds = 30 * 86_400,
  prefix = 'agent-chain:',
  now: () => number = Date.now,
): ChainLedger {
  const key = (id: string): string => `${prefix}${id}`;
  return {
    async claim(aSessionId) {
      const [claimed, state, b, at] = (await redis.eval(CLAIM, 1, key(aSessionId), now(), retentionSeconds)) as [
        number,
        'creating' | 'started',
        string,
        string,
      ];
      return { claimed: claimed === 1, state, bSessionId: b === '' ? undefined : b, claimedAt: Number(at) };
    },
    async started(aSessionId, bSessionId) {
      await redis.hset(key(aSessionId), 'state', 'started', 'b_session', bSessionId);
    },
  };
}
