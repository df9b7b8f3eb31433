// examples/approval-slack end to end: the platform stand-in's `approval` agent asks for a tool
// confirmation and idles requires_action; its webhooks reach the example's receiver duplicated
// (same id), reordered, and emitted a second time under a fresh id (a re-emission the queue
// cannot collapse); the worker (real BullMQ, a real redis-server, the real SDK against the
// stand-in) posts to a loopback Slack stand-in; the reviewer's click comes back through the signed
// link. One post per waiting state however the hints repeat; allow finishes the session, deny
// stops it; tampered, expired and repeated answers send nothing. The same run with the handlers
// built without the dedupe asks the human more than once. The pipeline is
// test/support/recipe-pipeline.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerHandler } from '../examples/approval-slack/answer.ts';
import { approvalHandlers } from '../examples/approval-slack/ask.ts';
import { approvalUrl, type ApprovalLinks } from '../examples/approval-slack/links.ts';
import { createReceiver } from '../examples/approval-slack/receiver.ts';
import { startCaptureServer, type CaptureServer } from './support/capture-server.js';
import { startRecipePipeline, type RecipePipeline } from './support/recipe-pipeline.js';
import { until } from './support/redis-process.js';
import { redisServerVersion } from './support/redis-server.js';

const TOOL = { name: 'bash', input: { command: 'rm -rf build/' } };
const RESULT = 'Cleaned the build directory.';
const STOPPED = 'Stopped: bash was not run (denied).';
const SENDS = 'POST /v1/sessions/{session_id}/events';
const LINK_SECRET = 'test-approval-secret-0123456789abcdef';

interface SlackPost {
  text: string;
  blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ url: string; action_id: string }> }>;
}

interface Pipeline extends RecipePipeline<{ approval: string }> {
  slack: CaptureServer<SlackPost>;
  links: ApprovalLinks;
}

/** The stand-in, the example's receiver and worker on a fresh redis-server, and a Slack stand-in. */
async function startPipeline(dedupe: boolean, seed: number): Promise<Pipeline> {
  const slack = await startCaptureServer<SlackPost>();
  const pipeline = await startRecipePipeline({
    seed,
    chaos: { duplicateRate: 0.5, reorderMs: 300, timeScale: 0.01 },
    agents: (platform) => ({ approval: platform.createAgent({ kind: 'approval', tool: TOOL, result: RESULT }).id }),
    receiver: ({ queue, secret, client, redis }) =>
      createReceiver({ queue, secret, answer: createAnswerHandler({ client, redis, secret: LINK_SECRET }) }),
    handlers: ({ client, redis, receiverUrl }) =>
      approvalHandlers({
        client,
        redis,
        slackWebhookUrl: `${slack.url}/services/T0/B0/x`,
        links: { baseUrl: receiverUrl, secret: LINK_SECRET },
        leaseMs: 5_000,
        dedupe,
        log: () => {},
      }),
  });
  return {
    ...pipeline,
    slack,
    links: { baseUrl: pipeline.receiverUrl, secret: LINK_SECRET },
    async stop() {
      await pipeline.stop();
      await slack.close();
    },
  };
}

function postsFor(pipeline: Pipeline, sessionId: string): SlackPost[] {
  return pipeline.slack.posts.map((post) => post.body).filter((post) => post.text.includes(sessionId));
}

/** The Allow and Deny links of a post with one pending call. */
function buttons(post: SlackPost): { allow: string; deny: string } {
  const elements = post.blocks.flatMap((block) => block.elements ?? []);
  const allow = elements.find((e) => e.action_id.startsWith('allow_'))?.url;
  const deny = elements.find((e) => e.action_id.startsWith('deny_'))?.url;
  if (allow === undefined || deny === undefined) throw new Error(`no buttons in ${JSON.stringify(post)}`);
  return { allow, deny };
}

async function startApproval(pipeline: Pipeline): Promise<string> {
  const session = await pipeline.client.beta.sessions.create({
    agent: pipeline.agents.approval,
    environment_id: 'env_approval',
  });
  await pipeline.client.beta.sessions.events.send(session.id, {
    events: [{ type: 'user.message', content: [{ type: 'text', text: 'Clean the build.' }] }],
  });
  return session.id;
}

async function sessionEvents(pipeline: Pipeline, sessionId: string) {
  const page = await pipeline.client.beta.sessions.events.list(sessionId, { limit: 100 });
  return page.data;
}

async function finishedWith(pipeline: Pipeline, sessionId: string, message: string): Promise<void> {
  await until(
    async () => {
      const events = await sessionEvents(pipeline, sessionId);
      const last = events.at(-1);
      const said = events.some(
        (e) => e.type === 'agent.message' && e.content.some((block) => block.type === 'text' && block.text === message),
      );
      return said && last?.type === 'session.status_idle' && last.stop_reason.type === 'end_turn';
    },
    10_000,
    `session ${sessionId} to end its turn with "${message}"`,
  );
}

function answer(url: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method });
}

function sends(pipeline: Pipeline): number {
  return pipeline.api.requests.byRoute[SENDS] ?? 0;
}

function withParam(url: string, name: string, value: string | null): string {
  const changed = new URL(url);
  if (value === null) changed.searchParams.delete(name);
  else changed.searchParams.set(name, value);
  return changed.href;
}

const hasRedis = redisServerVersion() !== undefined;

describe.skipIf(!hasRedis)('examples/approval-slack', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(true, 21);
  });
  afterAll(async () => pipeline?.stop());

  it('asks once per waiting state; Allow resumes the session to end_turn; repeated and forged answers send nothing', async () => {
    const sessionId = await startApproval(pipeline);
    await until(() => postsFor(pipeline, sessionId).length >= 1, 10_000, 'the Slack post');
    await pipeline.moreHints(sessionId, 'waiting');
    await pipeline.quiet();
    expect(postsFor(pipeline, sessionId)).toHaveLength(1);
    // The session's updated_at moves while it still waits on the same call (a subagent thread
    // starts): a new version for levelTriggered, the same waiting state for the human.
    const waitingVersion = (await pipeline.client.beta.sessions.retrieve(sessionId)).updated_at;
    pipeline.platform.createThread(sessionId);
    expect((await pipeline.client.beta.sessions.retrieve(sessionId)).updated_at).not.toBe(waitingVersion);
    await pipeline.moreHints(sessionId, 'touched');
    await pipeline.quiet();
    const [post] = postsFor(pipeline, sessionId);
    expect(postsFor(pipeline, sessionId)).toHaveLength(1);
    expect(post!.text).toContain('bash');
    expect(JSON.stringify(post!.blocks)).toContain('rm -rf build/');
    const { allow, deny } = buttons(post!);

    const before = sends(pipeline);
    // Opening the link only shows the confirmation page.
    const opened = await answer(allow, 'GET');
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<form method="post"');
    // Forged, altered, expired and malformed answers, while the session still waits on the call.
    const sig = new URL(allow).searchParams.get('sig')!;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const toolUseId = new URL(allow).searchParams.get('tool_use')!;
    const refused: Array<[string, number]> = [
      [withParam(allow, 'sig', flipped), 403],
      [withParam(deny, 'decision', 'allow'), 403],
      [withParam(allow, 'expires', String(Number(new URL(allow).searchParams.get('expires')) + 3600)), 403],
      [withParam(allow, 'tool_use', `${toolUseId}x`), 403],
      [
        approvalUrl(
          { ...pipeline.links, secret: 'another-secret-0123456789abcdef-xyz' },
          { sessionId, toolUseId, decision: 'allow' },
        ),
        403,
      ],
      [approvalUrl(pipeline.links, { sessionId, toolUseId, decision: 'allow' }, Date.now() - 2 * 86_400_000), 410],
      [withParam(allow, 'sig', null), 400],
    ];
    for (const [url, status] of refused) expect((await answer(url)).status, url).toBe(status);
    expect(sends(pipeline)).toBe(before);

    // Clicked twice at once: one confirmation.
    const statuses = (await Promise.all([answer(allow), answer(allow)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(sends(pipeline)).toBe(before + 1);
    await finishedWith(pipeline, sessionId, RESULT);
    // Replayed later, or the other button: nothing sent.
    expect((await answer(allow)).status).toBe(409);
    expect((await answer(deny)).status).toBe(409);
    expect(sends(pipeline)).toBe(before + 1);
    const confirmations = (await sessionEvents(pipeline, sessionId)).filter((e) => e.type === 'user.tool_confirmation');
    expect(confirmations).toMatchObject([{ tool_use_id: toolUseId, result: 'allow' }]);

    // The session's webhooks again after the state moved on: it is not waiting, nobody is asked.
    await pipeline.moreHints(sessionId, 'finished');
    await pipeline.quiet();
    expect(postsFor(pipeline, sessionId)).toHaveLength(1);

    // A new request in the same session is a new waiting state: asked again, once.
    await pipeline.client.beta.sessions.events.send(sessionId, {
      events: [{ type: 'user.message', content: [{ type: 'text', text: 'And the cache.' }] }],
    });
    await until(() => postsFor(pipeline, sessionId).length >= 2, 10_000, 'the second Slack post');
    await pipeline.moreHints(sessionId, 'second');
    await pipeline.quiet();
    expect(postsFor(pipeline, sessionId)).toHaveLength(2);
  });

  it('Deny stops the session: the tool does not run, one confirmation is sent', async () => {
    const sessionId = await startApproval(pipeline);
    await until(() => postsFor(pipeline, sessionId).length >= 1, 10_000, 'the Slack post');
    await pipeline.moreHints(sessionId, 'waiting');
    await pipeline.quiet();
    expect(postsFor(pipeline, sessionId)).toHaveLength(1);
    const { allow, deny } = buttons(postsFor(pipeline, sessionId)[0]!);
    expect((await answer(deny)).status).toBe(200);
    await finishedWith(pipeline, sessionId, STOPPED);
    expect((await answer(allow)).status).toBe(409);
    const events = await sessionEvents(pipeline, sessionId);
    expect(events.filter((e) => e.type === 'user.tool_confirmation')).toMatchObject([{ result: 'deny' }]);
    expect(events.filter((e) => e.type === 'agent.tool_result')).toMatchObject([{ is_error: true }]);
    expect(events.some((e) => e.type === 'agent.message' && JSON.stringify(e.content).includes(RESULT))).toBe(false);
  });
});

describe.skipIf(!hasRedis)('examples/approval-slack without the dedupe (approvalHandlers({ dedupe: false }))', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(false, 22);
  });
  afterAll(async () => pipeline?.stop());

  it('asks the human more than once for one waiting state: what the assertion above catches', async () => {
    const sessionId = await startApproval(pipeline);
    await until(() => postsFor(pipeline, sessionId).length >= 1, 10_000, 'the Slack post');
    await pipeline.moreHints(sessionId, 'waiting');
    await pipeline.quiet();
    expect(postsFor(pipeline, sessionId).length).toBeGreaterThan(1);
  });
});
