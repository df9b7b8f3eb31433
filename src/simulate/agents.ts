// Scripted agents: what a simulated session's agent does with each event sent to it, as a list of
// steps the platform plays one at a time (a few milliseconds apart), so a client sees the session
// run, write its events and go idle as it would on the platform.
import type { SimulatedOutcomeEvaluation } from './resources.js';
import type { SimulatedSessionEvent, SimulatedStopReason, SimulatedUsage } from './session-events.js';

/** Usage the stand-in's grader reports: plausible, fixed. */
const GRADER_USAGE: SimulatedUsage = {
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  input_tokens: 1_200,
  output_tokens: 150,
  speed: 'standard',
};

/**
 * On each `user.message`: runs, asks to use `tool` (an `agent.tool_use` with
 * `evaluated_permission: 'ask'`) and goes idle with `stop_reason: requires_action` naming it.
 * A `user.tool_confirmation` that allows it: runs, writes the `agent.tool_result` (`toolResult`)
 * and an `agent.message` with `result`, idle `end_turn`. One that denies it: runs, writes an
 * error `agent.tool_result` (the `deny_message`) and an `agent.message` with `stopped`, idle
 * `end_turn` — the turn ends without the tool having run.
 *
 * @example
 * ```ts
 * const script: ApprovalScript = { kind: 'approval', tool: { name: 'bash', input: { command: 'rm -rf build' } }, result: 'Cleaned.' };
 * ```
 */
export interface ApprovalScript {
  kind: 'approval';
  tool: { name: string; input: Record<string, unknown> };
  /** The `agent.message` once the tool ran. */
  result: string;
  /** The tool's output, in the `agent.tool_result`; `'ok'` when left out. */
  toolResult?: string;
  /** The `agent.message` after a denial; `'Stopped: <tool> was not run (denied).'` when left out. */
  stopped?: string;
}

/**
 * Each `user.message` is one attempt at an outcome: the agent runs, writes an `agent.message`,
 * and the grader evaluates it (`span.outcome_evaluation_start`, `span.outcome_evaluation_end`,
 * the `session.outcome_evaluation_ended` webhook, the session's `outcome_evaluations`), then
 * the session goes idle `end_turn`. The first `failures` attempts fail with `feedback` as the
 * grader's `explanation` and `verdict` as its `result`; later ones are `satisfied` and the
 * message is `result`. The outcome is the last `user.define_outcome` sent, or one the script
 * defines at the first attempt.
 *
 * @example
 * ```ts
 * const script: OutcomeScript = { kind: 'outcome', failures: 1, feedback: 'Cite the order number.', result: 'Order #1234 ships today.' };
 * ```
 */
export interface OutcomeScript {
  kind: 'outcome';
  /** How many attempts fail before one passes. */
  failures: number;
  /** The grader's explanation of a failed attempt: what to send back to try again. */
  feedback: string;
  /** The `agent.message` of the attempt that passes. */
  result: string;
  /**
   * The `result` of a failed evaluation. `'max_iterations_reached'` (the default) is final: the
   * platform revises no further on its own, so the client sends the feedback as the next
   * `user.message`. `'needs_revision'` is not final.
   */
  verdict?: 'max_iterations_reached' | 'needs_revision' | 'failed';
}

/**
 * On each `user.message`: runs, writes an `agent.message` with `result`, idle `end_turn`.
 *
 * @example
 * ```ts
 * const script: FinishScript = { kind: 'finish', result: 'Done: 3 files changed.' };
 * ```
 */
export interface FinishScript {
  kind: 'finish';
  result: string;
}

/**
 * On each `user.message`: runs, then goes idle with `stop_reason: retries_exhausted`, as after
 * repeated errors.
 *
 * @example
 * ```ts
 * const script: RetriesExhaustedScript = { kind: 'retries_exhausted' };
 * ```
 */
export interface RetriesExhaustedScript {
  kind: 'retries_exhausted';
}

/**
 * What a scripted agent does with the events sent to its sessions; register one with
 * `platform.createAgent(script)`. Other events (`user.interrupt`, …) are recorded and change nothing.
 *
 * @example
 * ```ts
 * const agent = platform.createAgent({ kind: 'finish', result: 'Refund issued.' });
 * const session = platform.createSession({ agent: agent.id });
 * platform.sendEvents(session.id, [{ type: 'user.message', content: [{ type: 'text', text: 'Refund #1234' }] }]);
 * await platform.settled(); // idle, stop_reason end_turn, last agent.message 'Refund issued.'
 * ```
 */
export type AgentScript = ApprovalScript | OutcomeScript | FinishScript | RetriesExhaustedScript;

/** An event to append, without what the log fills in. */
export type NewEvent = SimulatedSessionEvent extends infer E
  ? E extends SimulatedSessionEvent
    ? Omit<E, 'id' | 'processed_at'>
    : never
  : never;

/** What a step may do to its session. */
export interface TurnContext {
  /** Appends an event to the session's list and returns it with its id and `processed_at`. */
  append<E extends NewEvent>(event: E): E & { id: string; processed_at: string };
  /** Moves the session's status (and writes its status event); idle needs the stop reason. */
  setStatus(status: 'running' | 'idle', stop?: SimulatedStopReason): void;
  /** Records an ended evaluation on the session and emits `session.outcome_evaluation_ended`. */
  outcomeEnded(evaluation: SimulatedOutcomeEvaluation): void;
  /** A fresh id with this prefix (`outc_`). */
  newId(prefix: string): string;
}

/** One turn: steps played in order, a short delay apart. */
export type Turn = ReadonlyArray<(ctx: TurnContext) => void>;

/**
 * The reactions of one session's agent: given each event recorded in its list (after the turns
 * before it have played), the turn to play, or undefined.
 *
 * @example
 * ```ts
 * const react = scriptReactions({ kind: 'finish', result: 'Done.' });
 * const turn = react(userMessage); // three steps: running, agent.message, idle end_turn
 * ```
 */
export function scriptReactions(script: AgentScript): (event: SimulatedSessionEvent) => Turn | undefined {
  switch (script.kind) {
    case 'approval':
      return approval(script);
    case 'outcome':
      return outcome(script);
    case 'finish':
      return (event) => (event.type === 'user.message' ? finishWith(script.result) : undefined);
    case 'retries_exhausted':
      return (event) =>
        event.type === 'user.message'
          ? [(ctx) => ctx.setStatus('running'), (ctx) => ctx.setStatus('idle', { type: 'retries_exhausted' })]
          : undefined;
  }
}

const text = (value: string): Array<{ type: 'text'; text: string }> => [{ type: 'text', text: value }];

function finishWith(result: string): Turn {
  return [
    (ctx) => ctx.setStatus('running'),
    (ctx) => void ctx.append({ type: 'agent.message', content: text(result) }),
    (ctx) => ctx.setStatus('idle', { type: 'end_turn' }),
  ];
}

function approval(script: ApprovalScript): (event: SimulatedSessionEvent) => Turn | undefined {
  let waiting: string | undefined;
  return (event) => {
    if (event.type === 'user.message') {
      return [
        (ctx) => ctx.setStatus('running'),
        (ctx) => {
          const use = ctx.append({
            type: 'agent.tool_use',
            name: script.tool.name,
            input: structuredClone(script.tool.input),
            evaluated_permission: 'ask',
            evaluation: { type: 'always_ask' },
          });
          waiting = use.id;
        },
        (ctx) => ctx.setStatus('idle', { type: 'requires_action', event_ids: waiting === undefined ? [] : [waiting] }),
      ];
    }
    if (event.type !== 'user.tool_confirmation' || event.tool_use_id !== waiting) return undefined;
    const toolUseId = waiting;
    waiting = undefined;
    const allowed = event.result === 'allow';
    const output = allowed
      ? (script.toolResult ?? 'ok')
      : (event.deny_message ?? `The user denied this call to ${script.tool.name}.`);
    const message = allowed ? script.result : (script.stopped ?? `Stopped: ${script.tool.name} was not run (denied).`);
    return [
      (ctx) => ctx.setStatus('running'),
      (ctx) =>
        void ctx.append({
          type: 'agent.tool_result',
          tool_use_id: toolUseId,
          content: text(output),
          is_error: !allowed,
        }),
      (ctx) => void ctx.append({ type: 'agent.message', content: text(message) }),
      (ctx) => ctx.setStatus('idle', { type: 'end_turn' }),
    ];
  };
}

function outcome(script: OutcomeScript): (event: SimulatedSessionEvent) => Turn | undefined {
  let defined: { id: string; description: string; iterations: number } | undefined;
  let attempts = 0;
  return (event) => {
    if (event.type === 'user.define_outcome') {
      defined = { id: event.outcome_id, description: event.description, iterations: 0 };
      return undefined;
    }
    if (event.type !== 'user.message') return undefined;
    const passes = attempts >= script.failures;
    attempts++;
    return [
      (ctx) => ctx.setStatus('running'),
      (ctx) => {
        defined ??= { id: ctx.newId('outc_'), description: 'The scripted outcome', iterations: 0 };
        ctx.append({ type: 'agent.message', content: text(passes ? script.result : `Draft ${attempts}`) });
      },
      (ctx) => {
        const current = defined!;
        const iteration = current.iterations++;
        const start = ctx.append({ type: 'span.outcome_evaluation_start', outcome_id: current.id, iteration });
        const result = passes ? 'satisfied' : (script.verdict ?? 'max_iterations_reached');
        const explanation = passes ? 'Every criterion of the rubric is met.' : script.feedback;
        const end = ctx.append({
          type: 'span.outcome_evaluation_end',
          outcome_id: current.id,
          iteration,
          outcome_evaluation_start_id: start.id,
          result,
          explanation,
          usage: { ...GRADER_USAGE },
        });
        ctx.outcomeEnded({
          type: 'outcome_evaluation',
          outcome_id: current.id,
          description: current.description,
          iteration,
          result,
          explanation,
          completed_at: end.processed_at,
        });
      },
      (ctx) => ctx.setStatus('idle', { type: 'end_turn' }),
    ];
  };
}
