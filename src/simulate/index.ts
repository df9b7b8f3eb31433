// The stand-in for the platform (Node only): state machine, sessions API, webhook sender, chaos.
export { startSimulator } from './simulator.js';
export type { Simulator, SimulatorOptions } from './simulator.js';
export { createPlatform } from './platform.js';
export type { CreateSessionOptions, EventListener, Platform, PlatformOptions } from './platform.js';
export type {
  SimulatedAgent,
  SimulatedOutcomeEvaluation,
  SimulatedSession,
  SimulatedStatus,
  SimulatedThread,
} from './resources.js';
export type { AgentScript, ApprovalScript, FinishScript, OutcomeScript, RetriesExhaustedScript } from './agents.js';
export type {
  SendableEvent,
  SimulatedSessionEvent,
  SimulatedSessionEventType,
  SimulatedSource,
  SimulatedStopReason,
  SimulatedTextBlock,
  SimulatedUsage,
  SimulatedUserContent,
} from './session-events.js';
export { startApiServer } from './api.js';
export type { ApiServer, ApiServerOptions } from './api.js';
export { createSender } from './sender.js';
export type { AttemptRecord, DeliveryOutcome, EventRecord, Sender, SenderOptions, SenderStats } from './sender.js';
export { ANTHROPIC_RETRY_POLICY, retryGapSeconds, retryWindowSeconds } from './backoff.js';
export type { RetryPolicy } from './backoff.js';
export type { ChaosOptions, OutageWindow } from './chaos.js';
export { runScenario } from './scenario.js';
export type { ScenarioOptions, ScenarioResult, ScenarioSession } from './scenario.js';
export { seededRandom } from './prng.js';
export type { Random, Seed } from './prng.js';
