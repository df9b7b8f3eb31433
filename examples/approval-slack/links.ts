// Signed approval links: the reviewer's answer comes back as a URL only this deployment could
// have made. The MAC covers the session, the tool call, the decision and the expiry, so changing
// any of them (turning a deny link into an allow, pointing it at another call, extending it)
// breaks the signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Decision = 'allow' | 'deny';

/** What one link answers: this decision for this tool call of this session, until `expires`. */
export interface Approval {
  sessionId: string;
  toolUseId: string;
  decision: Decision;
  /** Unix seconds. */
  expires: number;
}

/** Where the links point and how they are signed; the worker (makes them) and the receiver (checks them) share it. */
export interface ApprovalLinks {
  /** The receiver as reviewers' browsers reach it, e.g. `https://approvals.example.com`. */
  baseUrl: string;
  /** APPROVAL_SIGNING_SECRET: at least 32 random characters (`openssl rand -base64 32`). */
  secret: string;
  /** How long a link stays valid; default 86,400 (a day). */
  ttlSeconds?: number;
}

export type CheckedApproval =
  { ok: true; approval: Approval } | { ok: false; status: 400 | 403 | 410; error: string; message: string };

export const DEFAULT_TTL_SECONDS = 86_400;
export const APPROVAL_PATH = '/approvals';
// Session and event ids are `sesn_…` / `sevt_…`: nothing else is let near the MAC input, so its
// newline-separated fields cannot be shifted into one another.
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** Fails at start-up, not at the first click, when the secret is missing or too short to resist guessing. */
export function checkLinks(links: ApprovalLinks): void {
  if (typeof links.secret !== 'string' || links.secret.length < 32) {
    throw new Error('APPROVAL_SIGNING_SECRET must be at least 32 random characters: `openssl rand -base64 32`.');
  }
  if (!/^https?:\/\//.test(links.baseUrl)) {
    throw new Error(
      `PUBLIC_URL must be the receiver's http(s) URL as reviewers reach it; got ${JSON.stringify(links.baseUrl)}.`,
    );
  }
}

/** The URL that answers `decision` for one tool call, valid for `ttlSeconds` from `now`. */
export function approvalUrl(
  links: ApprovalLinks,
  ref: { sessionId: string; toolUseId: string; decision: Decision },
  now: number = Date.now(),
): string {
  const expires = Math.floor(now / 1000) + (links.ttlSeconds ?? DEFAULT_TTL_SECONDS);
  const approval: Approval = { ...ref, expires };
  const url = new URL(APPROVAL_PATH, links.baseUrl);
  url.searchParams.set('session', approval.sessionId);
  url.searchParams.set('tool_use', approval.toolUseId);
  url.searchParams.set('decision', approval.decision);
  url.searchParams.set('expires', String(approval.expires));
  url.searchParams.set('sig', sign(links.secret, approval));
  return url.href;
}

/**
 * Checks a link's query: 400 when a field is missing or malformed, 403 when the signature does
 * not match (tampered, or signed with another secret), 410 when it expired.
 */
export function checkApproval(secret: string, query: URLSearchParams, now: number = Date.now()): CheckedApproval {
  const sessionId = query.get('session') ?? '';
  const toolUseId = query.get('tool_use') ?? '';
  const decision = query.get('decision');
  const expires = Number(query.get('expires'));
  const signature = query.get('sig') ?? '';
  if (
    !ID.test(sessionId) ||
    !ID.test(toolUseId) ||
    (decision !== 'allow' && decision !== 'deny') ||
    !Number.isSafeInteger(expires) ||
    !SIGNATURE.test(signature)
  ) {
    return refuse(
      400,
      'malformed_link',
      'This approval link is incomplete; open the link from the Slack message as it is.',
    );
  }
  const approval: Approval = { sessionId, toolUseId, decision, expires };
  // The text, not the decoded bytes: base64url's last character has spare bits, so two spellings
  // decode alike. Same length by the pattern above; timingSafeEqual leaks no matching prefix.
  if (!timingSafeEqual(Buffer.from(sign(secret, approval)), Buffer.from(signature))) {
    return refuse(
      403,
      'bad_signature',
      'This approval link was altered or not made by this deployment; use the link from the Slack message.',
    );
  }
  if (Math.floor(now / 1000) > expires) {
    return refuse(
      410,
      'expired',
      `This approval link expired at ${new Date(expires * 1000).toISOString()}; answer in the Claude Console or ask the agent again.`,
    );
  }
  return { ok: true, approval };
}

function sign(secret: string, approval: Approval): string {
  const input = ['approval-slack/v1', approval.sessionId, approval.toolUseId, approval.decision, approval.expires].join(
    '\n',
  );
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function refuse(status: 400 | 403 | 410, error: string, message: string): CheckedApproval {
  return { ok: false, status, error, message };
}
