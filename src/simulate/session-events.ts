// A session's event list, shaped as `@anthropic-ai/sdk` 1.16 declares `BetaManagedAgentsSessionEvent`
// and `BetaManagedAgentsEventParams`. Declared here rather than imported so this entry does not need
// the optional SDK (only src/resources may import it); test/simulate-session-events.test.ts checks
// they are assignable to the SDK's types. Only the event types the stand-in records are declared.

/**
 * A text block, the only content the scripted agents write.
 *
 * @example
 * ```ts
 * const block: SimulatedTextBlock = { type: 'text', text: 'Refund issued.' };
 * ```
 */
export interface SimulatedTextBlock {
  type: 'text';
  text: string;
}

/**
 * Where an image or document sent in a `user.message` comes from.
 *
 * @example
 * ```ts
 * const source: SimulatedSource = { type: 'url', url: 'https://example.com/receipt.png' };
 * ```
 */
export type SimulatedSource =
  | { type: 'base64'; data: string; media_type: string }
  | { type: 'url'; url: string }
  | { type: 'file'; file_id: string };

/**
 * A content block of a `user.message`: text, an image, a document or a redacted block.
 *
 * @example
 * ```ts
 * const content: SimulatedUserContent[] = [{ type: 'text', text: 'Where is my order?' }];
 * ```
 */
export type SimulatedUserContent =
  | SimulatedTextBlock
  | { type: 'image'; source: SimulatedSource }
  | { type: 'document'; source: SimulatedSource | { type: 'text'; data: string; media_type: 'text/plain' } }
  | { type: 'redacted' };

/**
 * A stop reason of `session.status_idle`: the agent finished its turn, waits on the tool calls
 * `event_ids` names, or gave up after repeated errors.
 *
 * @example
 * ```ts
 * const stop: SimulatedStopReason = { type: 'requires_action', event_ids: ['sevt_011C…'] };
 * ```
 */
export type SimulatedStopReason =
  { type: 'end_turn' } | { type: 'requires_action'; event_ids: string[] } | { type: 'retries_exhausted' };

/**
 * A grader's usage block (`BetaManagedAgentsSpanModelUsage`).
 *
 * @example
 * ```ts
 * const usage: SimulatedUsage = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, input_tokens: 1200, output_tokens: 150, speed: 'standard' };
 * ```
 */
export interface SimulatedUsage {
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  input_tokens: number;
  output_tokens: number;
  speed: 'standard' | null;
}

/**
 * An event the stand-in records in a session's event list, as `GET /v1/sessions/{id}/events`
 * returns it: a member of the SDK's `BetaManagedAgentsSessionEvent` union.
 *
 * @example
 * ```ts
 * for (const event of platform.sessionEvents(id)) if (event.type === 'agent.message') console.log(event.content);
 * ```
 */
export type SimulatedSessionEvent =
  | { id: string; processed_at: string; type: 'user.message'; content: SimulatedUserContent[] }
  | { id: string; processed_at: string; type: 'user.interrupt'; session_thread_id?: string | null }
  | {
      id: string;
      processed_at: string;
      type: 'user.tool_confirmation';
      result: 'allow' | 'deny';
      tool_use_id: string;
      deny_message?: string | null;
    }
  | {
      id: string;
      processed_at: string;
      type: 'user.define_outcome';
      outcome_id: string;
      description: string;
      max_iterations: number | null;
      rubric: { type: 'text'; content: string } | { type: 'file'; file_id: string };
    }
  | { id: string; processed_at: string; type: 'agent.message'; content: SimulatedTextBlock[] }
  | {
      id: string;
      processed_at: string;
      type: 'agent.tool_use';
      name: string;
      input: Record<string, unknown>;
      evaluated_permission: 'allow' | 'ask' | 'deny';
      evaluation: { type: 'always_allow' } | { type: 'always_ask' };
    }
  | {
      id: string;
      processed_at: string;
      type: 'agent.tool_result';
      tool_use_id: string;
      content: SimulatedTextBlock[];
      is_error: boolean;
    }
  | { id: string; processed_at: string; type: 'session.status_running' }
  | { id: string; processed_at: string; type: 'session.status_rescheduled' }
  | { id: string; processed_at: string; type: 'session.status_terminated' }
  | {
      id: string;
      processed_at: string;
      type: 'session.status_idle';
      stop_reason: SimulatedStopReason;
      stop_details: null;
    }
  | { id: string; processed_at: string; type: 'span.outcome_evaluation_start'; outcome_id: string; iteration: number }
  | {
      id: string;
      processed_at: string;
      type: 'span.outcome_evaluation_end';
      outcome_id: string;
      iteration: number;
      outcome_evaluation_start_id: string;
      result: string;
      explanation: string;
      usage: SimulatedUsage;
    };

/**
 * The type of one event of the list.
 *
 * @example
 * ```ts
 * const types: SimulatedSessionEventType[] = ['agent.message', 'session.status_idle'];
 * ```
 */
export type SimulatedSessionEventType = SimulatedSessionEvent['type'];

/**
 * An event as `client.beta.sessions.events.send` sends it (the SDK's `BetaManagedAgentsEventParams`,
 * less `system.message`, which the stand-in refuses).
 *
 * @example
 * ```ts
 * const event: SendableEvent = { type: 'user.tool_confirmation', tool_use_id: 'sevt_011C…', result: 'allow' };
 * platform.sendEvents(sessionId, [event]);
 * ```
 */
export type SendableEvent =
  | { type: 'user.message'; content: SimulatedUserContent[] }
  | { type: 'user.interrupt'; session_thread_id?: string | null }
  | { type: 'user.tool_confirmation'; result: 'allow' | 'deny'; tool_use_id: string; deny_message?: string | null }
  | {
      type: 'user.define_outcome';
      description: string;
      rubric: { type: 'text'; content: string } | { type: 'file'; file_id: string };
      max_iterations?: number | null;
    };
