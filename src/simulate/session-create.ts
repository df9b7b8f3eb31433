// The body of `POST /v1/sessions` as `client.beta.sessions.create` sends it, checked the way the API
// checks it. The stand-in keeps what its sessions report (agent, environment, title, metadata)
// and the initial events; resources, vaults and budgets are accepted and not modelled.
import { BadRequest } from './pagination.js';
import type { CreateSessionOptions } from './platform.js';
import { readSendableEvents } from './send-events.js';
import type { SendableEvent } from './session-events.js';

/**
 * A checked create request: the platform's `createSession` options and the events to send once
 * the session exists.
 *
 * @example
 * ```ts
 * const { initialEvents, ...create } = createSessionRequest(JSON.parse(body));
 * ```
 */
export interface SessionCreateRequest extends CreateSessionOptions {
  agent: string;
  initialEvents: SendableEvent[];
}

/**
 * Reads a create request: `agent` (an id, or `{ type: 'agent' | 'agent_with_overrides', id }`),
 * `environment_id` (required), optional `title`, `metadata` (string values) and `initial_events`
 * (`user.message` and `user.define_outcome` only). Throws `BadRequest` naming the field at fault.
 *
 * @example
 * ```ts
 * createSessionRequest({ agent: 'agent_011C…', environment_id: 'env_011C…' }); // { agent: 'agent_011C…', environmentId: 'env_011C…', initialEvents: [] }
 * ```
 */
export function createSessionRequest(body: unknown): SessionCreateRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('The request body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const environment = fields['environment_id'];
  if (typeof environment !== 'string' || environment === '')
    throw new BadRequest('environment_id: Field required (the id of an environment)');
  const request: SessionCreateRequest = {
    agent: agentId(fields['agent']),
    environmentId: environment,
    initialEvents: [],
  };
  const title = fields['title'];
  if (title !== undefined && title !== null) {
    if (typeof title !== 'string') throw new BadRequest('title: must be a string or null');
    request.title = title;
  }
  const metadata = fields['metadata'];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      throw new BadRequest('metadata: must be an object of strings');
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new BadRequest(`metadata.${key}: must be a string`);
    }
    request.metadata = { ...(metadata as Record<string, string>) };
  }
  const initial = fields['initial_events'];
  if (initial !== undefined) {
    if (Array.isArray(initial) && initial.length === 0) return request;
    request.initialEvents = readSendableEvents(initial).map((event, i) => {
      if (event.type !== 'user.message' && event.type !== 'user.define_outcome')
        throw new BadRequest(`initial_events.${i}.type: must be 'user.message' or 'user.define_outcome'`);
      return event;
    });
  }
  return request;
}

function agentId(agent: unknown): string {
  if (typeof agent === 'string' && agent !== '') return agent;
  if (typeof agent === 'object' && agent !== null) {
    const { type, id } = agent as { type?: unknown; id?: unknown };
    if (type !== 'agent' && type !== 'agent_with_overrides')
      throw new BadRequest("agent.type: must be 'agent' or 'agent_with_overrides'");
    if (typeof id === 'string' && id !== '') return id;
    throw new BadRequest('agent.id: must be a non-empty string');
  }
  throw new BadRequest('agent: Field required (an agent id, or { type: "agent", id })');
}
