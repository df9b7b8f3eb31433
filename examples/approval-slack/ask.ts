// The worker's handlers: when a session is idle waiting on tool confirmations, ask a human in
// Slack — once per waiting state, however many hints (deliveries, duplicates, sweep hints,
// reordered events) point at it.
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
import { DEFAULT_TTL_SECONDS, type ApprovalLinks } from './links.ts';
import { approvalMessage, postToSlack, type ConfirmableToolUse } from './slack.ts';

export interface ApprovalHandlersOptions {
  /** `new Anthropic()`: retrieves sessions and lists their events. */
  client: Anthropic;
  /** The Redis the queue uses: handled versions, leases and the asked-records live there. */
  redis: Redis;
  /** SLACK_WEBHOOK_URL: the incoming webhook of the channel reviewers watch. */
  slackWebhookUrl: string;
  /** How the Allow / Deny links are made; the receiver checks them with the same secret. */
  links: ApprovalLinks;
  /** `levelTriggered`'s lease; keep it below the worker's `lockDuration`. Default 10,000. */
  leaseMs?: number;
  /**
   * Default true. `false` builds the same handler without `levelTriggered` and without the
   * asked-record: every hint runs it on the session as fetched, the way hand-written glue does.
   * Only for showing what the dedupe prevents (test/recipe-approval-slack.test.ts); never deploy it.
   */
  dedupe?: boolean;
  log?: (line: string) => void;
}

/**
 * Handlers for `createEventWorker`: every `session.*` event (and sweep hint) is a hint to look at
 * the session; when it is idle with `stop_reason` `requires_action`, one Slack message lists the
 * pending tool calls with an Allow and a Deny link each.
 *
 * Asked once per state: `levelTriggered` runs the handler at most once at a time per session and
 * once per `updated_at`; the asked-record (the idle event's id, written after the post) covers a
 * session whose `updated_at` moves while it still waits on the same calls. A hint about a state
 * that has passed (answered, running again, finished) finds the session as it is now and asks
 * nothing. A worker killed between the post and the record asks again: better twice than an
 * agent waiting forever.
 */
export function approvalHandlers(options: ApprovalHandlersOptions): LevelTriggeredHandlers {
  const { client, redis, slackWebhookUrl, links, dedupe = true } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const askedTtl = (links.ttlSeconds ?? DEFAULT_TTL_SECONDS) + 86_400;

  const onSession = async (
    session: BetaManagedAgentsSession,
    hint: WebhookEvent | UnknownWebhookEvent,
    signal?: AbortSignal,
  ): Promise<void> => {
    if (session.status !== 'idle') return;
    const subject = { sessionId: session.id, workspaceId: workspaceOf(hint) };
    const why = await idleReason(client, subject, signal === undefined ? {} : { signal });
    if (why.reason !== 'requires_action') return;
    const calls = why.pending.filter((call): call is ConfirmableToolUse => call.type !== 'agent.custom_tool_use');
    if (calls.length === 0) {
      log(
        `session ${session.id} waits on custom tool results or unknown calls (${why.unresolved.join(', ')}): nothing to confirm`,
      );
      return;
    }
    // Keyed by the idle event: one waiting state, whatever versions the session goes through.
    // Check-then-post is safe here: levelTriggered's lease lets one run at a time per session.
    const asked = `approval-slack:asked:${session.id}:${why.idle.id}`;
    if (dedupe && (await redis.exists(asked)) === 1) return;
    await postToSlack(slackWebhookUrl, approvalMessage(session.id, calls, links), signal);
    if (dedupe) await redis.set(asked, '1', 'EX', askedTtl);
    log(`asked in Slack: session ${session.id}, ${calls.map((call) => `${call.name} (${call.id})`).join(', ')}`);
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

// The hint (any session.* event or a sweep hint) carries the session's workspace.
function workspaceOf(hint: WebhookEvent | UnknownWebhookEvent): string | undefined {
  const { workspace_id } = hint.data as { workspace_id?: unknown };
  return typeof workspace_id === 'string' ? workspace_id : undefined;
}
