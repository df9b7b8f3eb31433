import type { Anthropic } from '@anthropic-ai/sdk';
import type {
  BetaEnvironment,
  BetaManagedAgentsAgent,
  BetaManagedAgentsDeployment,
  BetaManagedAgentsDeploymentRun,
  BetaManagedAgentsMemoryStore,
  BetaManagedAgentsSession,
  BetaManagedAgentsVault,
} from '@anthropic-ai/sdk/resources/beta';
import type { BetaManagedAgentsSessionThread } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { BetaManagedAgentsCredential } from '@anthropic-ai/sdk/resources/beta/vaults';
import type { ExternalKey } from '@anthropic-ai/sdk/resources/organization';
// Declared since SDK 1.13; with an older SDK installed this type does not resolve (and
// `fetchResource` answers `unsupported` for external storage events, see `ResourceClient`).
import type { BetaExternalStorage } from '@anthropic-ai/sdk/resources/beta/organization/external-storage';
import type { UserProfile } from '@anthropic-ai/sdk/resources';

/**
 * Per-request options, passed to the SDK call as they are: `signal`, `timeout`, `maxRetries`,
 * `headers`, … — the SDK's own `RequestOptions`.
 */
export type FetchResourceOptions = Anthropic.RequestOptions;

/**
 * The resource of each kind: the SDK's own type for what its `retrieve` returns. Its keys are the
 * kinds `EVENT_RESOURCES` maps event types to.
 */
export interface ResourceTypes {
  agent: BetaManagedAgentsAgent;
  deployment: BetaManagedAgentsDeployment;
  deployment_run: BetaManagedAgentsDeploymentRun;
  environment: BetaEnvironment;
  external_key: ExternalKey;
  external_storage: BetaExternalStorage;
  memory_store: BetaManagedAgentsMemoryStore;
  session: BetaManagedAgentsSession;
  session_thread: BetaManagedAgentsSessionThread;
  user_profile: UserProfile;
  vault: BetaManagedAgentsVault;
  vault_credential: BetaManagedAgentsCredential;
}

// Selects the Workspace the resource lives in; the SDK sends it as `anthropic-workspace-id`.
interface Scope {
  workspace_id?: string;
}

// The SDK's params for a retrieve that needs none (it only takes extra `betas`).
type NoParams = Record<string, never>;

// A `retrieve(id, params, options)` method. Results are `PromiseLike` rather than the SDK's
// `APIPromise` class, whose private fields would make a client from a second copy of the SDK
// (another version in node_modules) a type error.
interface Retrieve<R, P = Scope> {
  retrieve(id: string, params: P, options?: FetchResourceOptions): PromiseLike<R>;
}

/**
 * The part of an `@anthropic-ai/sdk` client (`new Anthropic()`) that `fetchResource` calls: one
 * `retrieve` per resource kind. Any `Anthropic` client of `>=1.12 <2` fits.
 *
 * `beta.organization.externalStorage` arrived in SDK 1.13, so it is optional here: given a client
 * without it, `fetchResource` answers `{ status: 'unsupported' }` for `external_storage.*` events
 * without a request. Upgrade `@anthropic-ai/sdk` to 1.13 or later to retrieve them.
 */
export interface ResourceClient {
  beta: {
    agents: Retrieve<ResourceTypes['agent']>;
    deployments: Retrieve<ResourceTypes['deployment']>;
    deploymentRuns: Retrieve<ResourceTypes['deployment_run']>;
    environments: Retrieve<ResourceTypes['environment']>;
    memoryStores: Retrieve<ResourceTypes['memory_store']>;
    sessions: Retrieve<ResourceTypes['session']> & {
      threads: Retrieve<ResourceTypes['session_thread'], Scope & { session_id: string }>;
    };
    vaults: Retrieve<ResourceTypes['vault']> & {
      credentials: Retrieve<ResourceTypes['vault_credential'], Scope & { vault_id: string }>;
    };
    /** SDK 1.13 and later. External Storage belongs to the organization: no Workspace to select. */
    organization?: {
      externalStorage?: Retrieve<ResourceTypes['external_storage'], NoParams>;
    };
  };
  userProfiles: Retrieve<ResourceTypes['user_profile']>;
  organization: {
    externalKeys: {
      /** `client.organization.externalKeys.retrieve(id)`, a GA endpoint with no params. */
      retrieve(id: string, options?: FetchResourceOptions): PromiseLike<ResourceTypes['external_key']>;
    };
  };
}

/**
 * A kind of resource `fetchResource` can retrieve, each with one SDK call (see `ResourceClient`).
 */
export type ResourceKind = keyof ResourceTypes;
