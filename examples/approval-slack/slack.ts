// One Slack message per approval request, posted to an incoming webhook: each pending tool call
// with its input and an Allow and a Deny button, which are links (no Slack app interactivity to
// configure: the answer comes back to the receiver through a signed link).
import type { PendingToolUse } from 'managed-agents-webhooks/resources';
import { approvalUrl, type ApprovalLinks } from './links.ts';

/** The tool calls a reviewer can allow or deny: built-in and MCP tools (`user.tool_confirmation`). */
export type ConfirmableToolUse = Exclude<PendingToolUse, { type: 'agent.custom_tool_use' }>;

// Slack caps a section's text at 3,000 characters.
const MAX_INPUT_CHARS = 2_000;

/** The incoming-webhook payload: a plain-text line for notifications, and blocks with the buttons. */
export function approvalMessage(
  sessionId: string,
  calls: readonly ConfirmableToolUse[],
  links: ApprovalLinks,
  now: number = Date.now(),
): object {
  const names = calls.map((call) => call.name).join(', ');
  const blocks: object[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `Session \`${escape(sessionId)}\` asks to run *${escape(names)}*` },
    },
  ];
  for (const call of calls) {
    let input = JSON.stringify(call.input, null, 2);
    if (input.length > MAX_INPUT_CHARS) input = `${input.slice(0, MAX_INPUT_CHARS)}\n… (truncated)`;
    const link = (decision: 'allow' | 'deny'): string =>
      approvalUrl(links, { sessionId, toolUseId: call.id, decision }, now);
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: `*${escape(call.name)}*\n\`\`\`${escape(input)}\`\`\`` } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: `allow_${call.id}`, style: 'primary', text: plain('Allow'), url: link('allow') },
          { type: 'button', action_id: `deny_${call.id}`, style: 'danger', text: plain('Deny'), url: link('deny') },
        ],
      },
    );
  }
  // No previews: Slack's unfurler would fetch the links (harmless, GET only shows a page, but noisy).
  return { text: `Session ${sessionId} asks to run ${names}`, blocks, unfurl_links: false, unfurl_media: false };
}

/** Posts to the incoming webhook; throws on a non-2xx, so the job fails and BullMQ retries it. */
export async function postToSlack(webhookUrl: string, message: object, signal?: AbortSignal): Promise<void> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    ...(signal === undefined ? {} : { signal }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`Slack answered ${response.status} (${text.slice(0, 200)}): check SLACK_WEBHOOK_URL.`);
}

function plain(text: string): object {
  return { type: 'plain_text', text };
}

// Slack's mrkdwn control characters: an input cannot smuggle in a link or a mention.
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
