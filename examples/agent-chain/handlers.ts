// The worker's handlers: when a session of agent A finishes its turn, start a session of agent B
// with A's final message — once per A session.
import type Anthropic from '@anthropic-ai/sdk';
import type { BetaManagedAgentsSession } from '@anthropic-ai/sdk/resources/beta';
import type { Redis } from 'ioredis';
import type { UnknownWebhookEvent, WebhookEvent } from 'managed-agents-webhooks';
import {
  levelTriggered,
  redisStateStore,
  SESSION_EVENT_TYPES,
  type LevelTriggeredHandlers,
} from 'managed-agents-webhooks/reconcile';
import { fetchResource, idleReason } from 'managed-agents-webhooks/resources';
import { redisChainLedger } from './ledger.ts';

/** The metadata key on B's session naming the A session it continues. */
export const CHAINED_FROM = 'chained_from_session';

// How far before the claim to look for a B session an interrupted run created: clock skew
// between this host and the API.
const CLOCK_SKEW_MS = 5 * 60_000;

export interface AgentChainOptions {
  /** `new Anthropic()`: retrieves and lists sessions, reads events, creates B's session. */
  client: Anthropic;
  /** The Redis the queue uses: handled versions, leases and the chain records live there. */
  redis: Redis;
  /** FROM_AGENT_ID: agent A, whose finished sessions start the next step. */
  fromAgentId: string;
  /** TO_AGENT_ID: agent B, started with A's final message. */
  toAgentId: string;
  /** TO_ENVIRONMENT_ID: B's environment; A's session's when left out. */
  environmentId?: string | undefined;
  /** `levelTriggered`'s lease; keep it below the worker's `lockDuration`. Default 10,000. */
  leaseMs?: number;
  /**
   * Default true. `false` builds the same handler without `levelTriggered` and without the chain
   * record: every hint about a finished A session starts a B session, the way hand-written glue
   * does. Only for showing what the dedupe prevents (test/recipe-agent-chain.test.ts); never
   * deploy it.
   */
  dedupe?: boolean;
  log?: (line: string) => void;
}

/**
 * Handlers for `createEventWorker`: every `session.*` event (and sweep hint) is a hint to look at
 * the session; when it is one of agent A's, idle because it finished its turn (`idleReason`:
 * `end_turn`), a session of agent B is created with A's final `agent.message` as its first
 * `user.message` (`initial_events`: created and sent in one request, so no crash can fall between
 * the two) and `metadata.chained_from_session` naming A's session.
 *
 * Once per A session, however many hints point at it: `levelTriggered` runs one handler at a time
 * per session, and a Redis claim (`HSETNX`) is taken before creating B and completed with B's id
 * after. A run that finds a claim without B's id — its predecessor was killed, or the create
 * request failed without an answer — looks for B among agent B's sessions created since the claim
 * (by the metadata link) and creates one only if there is none.
 */
export function agentChainHandlers(options: AgentChainOptions): LevelTriggeredHandlers {
  const { client, redis, fromAgentId, toAgentId, dedupe = true } = options;
  if (fromAgentId === '' || toAgentId === '') throw new Error('Set fromAgentId and toAgentId (agent A and agent B).');
  // B's sessions would each start another: a chain with no end.
  if (fromAgentId === toAgentId)
    throw new Error('fromAgentId and toAgentId must differ: an agent chained to itself never stops.');
  const log = options.log ?? ((line: string) => console.log(line));
  const ledger = redisChainLedger(redis);

  const onSession = async (
    a: BetaManagedAgentsSession,
    hint: WebhookEvent | UnknownWebhookEvent,
    signal?: AbortSignal,
  ): Promise<void> => {
    if (a.agent.id !== fromAgentId || a.status !== 'idle') return;
    const request = signal === undefined ? {} : { signal };
    const why = await idleReason(client, { sessionId: a.id, workspaceId: workspaceOf(hint) }, request);
    if (why.reason !== 'end_turn') return;
    const message = await finalMessage(client, a.id, signal);
    if (message === undefined) {
      log(`session ${a.id} finished without an agent.message: nothing to pass on`);
      return;
    }
    if (dedupe) {
      const claim = await ledger.claim(a.id);
      if (claim.state === 'started') return;
      if (!claim.claimed) {
        const earlier = await findChained(client, a.id, toAgentId, claim.claimedAt - CLOCK_SKEW_MS, signal);
        if (earlier !== undefined) {
          await ledger.started(a.id, earlier);
          log(`session ${a.id} had already started ${earlier}: recorded`);
          return;
        }
      }
    }
    const b = await client.beta.sessions.create(
      {
        agent: toAgentId,
        environment_id: options.environmentId ?? a.environment_id,
        title: `Continues ${a.id}`,
        metadata: { [CHAINED_FROM]: a.id },
        initial_events: [{ type: 'user.message', content: [{ type: 'text', text: message }] }],
      },
      // No automatic retry: one the API had applied would create a second session.
      { maxRetries: 0, ...request },
    );
    if (dedupe) await ledger.started(a.id, b.id);
    log(`session ${a.id} finished: started ${b.id}`);
  };

  if (dedupe) {
    return levelTriggered({
      client,
      store: redisStateStore(redis),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      session: (session, { event, signal }) => onSession(session, event, signal),
    });
  }
  const handlers: Record<string, (event: WebhookEvent | UnknownWebhookEvent) => Promise<void>> = {};
  for (const type of SESSION_EVENT_TYPES) {
    handlers[type] = async (event) => {
      const found = await fetchResource(client, event);
      if (found.status === 'found') await onSession(found.resource as BetaManagedAgentsSession, event);
    };
  }
  return handlers as LevelTriggeredHandlers;
}

/** The text of the session's latest `agent.message`, or undefined when it wrote none. */
async function finalMessage(client: Anthropic, sessionId: string, signal?: AbortSignal): Promise<string | undefined> {
  const page = await client.beta.sessions.events.list(
    sessionId,
    { order: 'desc', limit: 1, types: ['agent.message'] },
    signal === undefined ? {} : { signal },
  );
  const last = page.data[0];
  if (last?.type !== 'agent.message') return undefined;
  const text = last.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
  return text === '' ? undefined : text;
}

/** B's session that continues `aSessionId`, if an earlier run created one since `sinceMs`. */
async function findChained(
  client: Anthropic,
  aSessionId: string,
  toAgentId: string,
  sinceMs: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const sessions = client.beta.sessions.list(
    { agent_id: toAgentId, 'created_at[gte]': new Date(sinceMs).toISOString(), limit: 100 },
    signal === undefined ? {} : { signal },
  );
  for await (const session of sessions) {
    if (session.metadata[CHAINED_FROM] === aSessionId) return session.id;
  }
  return undefined;
}

// The hint (any session.* event or a sweep hint) carries the session's workspace.
function workspaceOf(hint: WebhookEvent | UnknownWebhookEvent): string | undefined {
  const { workspace_id } = hint.data as { workspace_id?: unknown };
  return typeof workspace_id === 'string' ? workspace_id : undefined;
}
