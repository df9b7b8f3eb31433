// The reviewer's answer: GET /approvals?… (the Slack button) shows a page with one button, whose
// POST sends `user.tool_confirmation`. A GET changes nothing, so link scanners and previews that
// fetch the URL cannot approve anything.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { Redis } from 'ioredis';
import { checkApproval, DEFAULT_TTL_SECONDS, type Approval } from './links.ts';

export interface AnswerOptions {
  /** `new Anthropic()`: sends the confirmation. */
  client: Anthropic;
  /** Records each tool call's answer, so a second click (or a second tab, or a replay) sends nothing. */
  redis: Redis;
  /** APPROVAL_SIGNING_SECRET, the worker's. */
  secret: string;
  /** The links' lifetime: answers are remembered a day longer. Default 86,400. */
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * Handles GET and POST /approvals. Refuses with 400 (malformed link), 403 (bad signature), 410
 * (expired), 409 (this tool call was already answered, or the session no longer waits on it),
 * 405 (another method); 502 when the API could not be reached (the answer is not recorded, so
 * the reviewer can click again). Sends the confirmation at most once per tool call.
 */
export function createAnswerHandler(
  options: AnswerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { client, redis, secret } = options;
  const now = options.now ?? Date.now;
  const rememberSeconds = (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) + 86_400;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume(); // the form posts no fields: everything is in the signed query
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'POST') {
      return page(res, 405, 'Method not allowed', 'Open the link from the Slack message.', { allow: 'GET, POST' });
    }
    const checked = checkApproval(secret, url.searchParams, now());
    if (!checked.ok) return page(res, checked.status, 'Not accepted', checked.message, { 'x-error': checked.error });
    const { approval } = checked;
    const verb = approval.decision === 'allow' ? 'Allow' : 'Deny';
    const what = `${verb} tool call ${approval.toolUseId} of session ${approval.sessionId}`;
    if (req.method === 'GET') return confirmPage(res, what, `${url.pathname}${url.search}`);

    // One answer per tool call, whichever link and however often: the first click claims it.
    const key = `approval-slack:answered:${approval.sessionId}:${approval.toolUseId}`;
    const claimed = await redis.set(key, approval.decision, 'EX', rememberSeconds, 'NX');
    if (claimed !== 'OK') {
      const earlier = (await redis.get(key)) ?? 'just now';
      const message = `This tool call was already answered (${earlier}). Nothing was sent.`;
      return page(res, 409, 'Already answered', message, { 'x-error': 'already_answered' });
    }
    try {
      await send(client, approval);
    } catch (error) {
      if (refusedForGood(error)) {
        // Answered elsewhere (the Console), or the session is gone: keep the record.
        const message = `The session no longer accepts this answer (${error.status}: ${error.message}).`;
        return page(res, 409, 'Not accepted', message, { 'x-error': 'refused_by_api' });
      }
      await redis.del(key); // not sent: let the reviewer try again
      throw error;
    }
    page(res, 200, approval.decision === 'allow' ? 'Allowed' : 'Denied', `${what}: sent.`);
  };

  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      // Redis or the API unreachable: nothing was sent and nothing is recorded.
      console.error(error);
      if (!res.headersSent) {
        page(res, 502, 'Try again', 'The answer could not be sent right now; click again in a moment.', {
          'x-error': 'unavailable',
        });
      }
    }
  };
}

// A 4xx other than 429: sending the same answer again would be refused again.
function refusedForGood(error: unknown): error is InstanceType<typeof Anthropic.APIError> & { status: number } {
  return (
    error instanceof Anthropic.APIError &&
    typeof error.status === 'number' &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429
  );
}

function send(client: Anthropic, approval: Approval): Promise<unknown> {
  return client.beta.sessions.events.send(
    approval.sessionId,
    { events: [{ type: 'user.tool_confirmation', tool_use_id: approval.toolUseId, result: approval.decision }] },
    // No automatic retry: a retried request the API had applied would answer twice.
    { maxRetries: 0 },
  );
}

function confirmPage(res: ServerResponse, what: string, action: string): void {
  const form = `<form method="post" action="${html(action)}"><button type="submit">Confirm</button></form>`;
  res.writeHead(200, headers()).end(document('Confirm', `<p>${html(what)}?</p>${form}`));
}

function page(
  res: ServerResponse,
  status: number,
  title: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers(), ...extra }).end(document(title, `<p>${html(message)}</p>`));
}

function headers(): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page has no script and sends its form only to itself.
    'content-security-policy': "default-src 'none'; form-action 'self'",
    'referrer-policy': 'no-referrer',
  };
}

function document(title: string, body: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${html(title)}</title><h1>${html(title)}</h1>${body}`;
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
