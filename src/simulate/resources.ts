// The bodies the stand-in answers with, shaped as `@anthropic-ai/sdk` 1.16 declares them
// (`BetaManagedAgentsSession`, `BetaManagedAgentsSessionThread`). Declared here rather than
// imported so this entry does not need the optional SDK; test/simulate-types.test-d.ts checks
// they are assignable to the SDK's types.

/**
 * A session's or thread's status, as the API reports it.
 *
 * @example
 * ```ts
 * const final: SimulatedStatus[] = ['idle', 'terminated'];
 * ```
 */
export type SimulatedStatus = 'idle' | 'running' | 'rescheduling' | 'terminated';

/**
 * The agent a simulated session runs: a fixed, plausible configuration.
 *
 * @example
 * ```ts
 * const agent: SimulatedAgent = platform.getSession(id)!.agent;
 * ```
 */
export interface SimulatedAgent {
  id: string;
  type: 'agent';
  version: number;
  name: string;
  description: string | null;
  execution_identity: { type: 'service_account' };
  mcp_servers: never[];
  model: { id: string };
  skills: never[];
  system: string | null;
  tools: never[];
}

/**
 * A session as `GET /v1/sessions/{id}` returns it (`BetaManagedAgentsSession`).
 *
 * @example
 * ```ts
 * const session: SimulatedSession = platform.getSession('sesn_011C…');
 * console.log(session.status, session.updated_at);
 * ```
 */
export interface SimulatedSession {
  id: string;
  type: 'session';
  status: SimulatedStatus;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  agent: SimulatedAgent & { multiagent: null };
  budget: null;
  environment_id: string;
  metadata: Record<string, string>;
  outcome_evaluations: SimulatedOutcomeEvaluation[];
  resources: never[];
  stats: { active_seconds?: number; duration_seconds?: number };
  title: string | null;
  usage: { input_tokens?: number; output_tokens?: number };
  vault_ids: string[];
  deployment_id: string | null;
}

/**
 * An outcome's latest evaluation, in the session's `outcome_evaluations`
 * (`BetaManagedAgentsOutcomeEvaluationResource`).
 *
 * @example
 * ```ts
 * const [evaluation] = platform.getSession(id)!.outcome_evaluations;
 * console.log(evaluation?.result, evaluation?.explanation);
 * ```
 */
export interface SimulatedOutcomeEvaluation {
  type: 'outcome_evaluation';
  outcome_id: string;
  description: string;
  iteration: number;
  result: string;
  explanation: string | null;
  completed_at: string | null;
}

/**
 * A session thread as `GET /v1/sessions/{id}/threads/{thread_id}` returns it
 * (`BetaManagedAgentsSessionThread`).
 *
 * @example
 * ```ts
 * const thread: SimulatedThread = platform.getThread(sessionId, threadId);
 * console.log(thread.status, thread.updated_at);
 * ```
 */
export interface SimulatedThread {
  id: string;
  type: 'session_thread';
  session_id: string;
  status: SimulatedStatus;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  agent: SimulatedAgent;
  parent_thread_id: string | null;
  stats: null;
  usage: null;
  workflow_run_id: string | null;
}

/**
 * The agent every simulated session and thread reports.
 *
 * @example
 * ```ts
 * const agent = simulatedAgent('agent_011C…');
 * ```
 */
export function simulatedAgent(id: string, name: string = 'Simulated agent'): SimulatedAgent {
  return {
    id,
    type: 'agent',
    version: 1,
    name,
    description: null,
    execution_identity: { type: 'service_account' },
    mcp_servers: [],
    model: { id: 'claude-opus-4-6' },
    skills: [],
    system: null,
    tools: [],
  };
}
