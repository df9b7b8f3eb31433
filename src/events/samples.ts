import { EVENT_CATALOG } from './catalog.js';
import { isKnownEventType, type WebhookEventOf, type WebhookEventType } from './types.js';

// Id prefixes for the resource each event family is about; only for realistic-looking samples.
const RESOURCE_PREFIX: Record<string, string> = {
  agent: 'agent_',
  deployment: 'depl_',
  deployment_run: 'drun_',
  environment: 'env_',
  external_key: 'ekey_',
  external_storage: 'estrg_',
  memory_store: 'memstore_',
  session: 'sesn_',
  user_profile: 'uprof_',
  vault: 'vlt_',
  vault_credential: 'vcrd_',
};

const FIELD_PREFIX: Record<string, string> = {
  workspace_id: 'wrkspc_',
  session_thread_id: 'sthr_',
  vault_id: 'vlt_',
  enforcement_action_id: 'enfact_',
};

/** Overrides for a sample event; anything left out is made up. */
export interface SampleOptions {
  /** The event id (what receivers dedupe on). */
  id?: string;
  /** RFC 3339 time; defaults to now. */
  createdAt?: Date | string;
  /** Fixed ids instead of random ones, for reproducible output. */
  seed?: string;
}

/**
 * A realistic event envelope of the given type with made-up ids — to test a handler, or to send
 * with `sign` to a local endpoint.
 *
 * @example
 * ```ts
 * const event = createSampleEvent('session.thread_created');
 * const body = JSON.stringify(event);
 * const headers = sign({ id: `msg_${event.id}`, timestamp: new Date(), body, secret });
 * ```
 */
export function createSampleEvent<T extends WebhookEventType>(type: T, options: SampleOptions = {}): WebhookEventOf<T> {
  if (!isKnownEventType(type)) {
    throw new TypeError(`Unknown event type "${String(type)}"; see EVENT_TYPES for the known ones.`);
  }
  // With a seed, the organization and workspace stay the same across types, as in one account.
  const shared = (salt: string): boolean => salt === 'org' || salt === 'workspace_id';
  const makeId = (prefix: string, salt: string): string =>
    prefix +
    (options.seed === undefined ? randomSuffix() : stableSuffix(`${options.seed}:${shared(salt) ? '' : type}:${salt}`));
  const family = type.slice(0, type.indexOf('.'));
  const data: Record<string, string> = {
    type,
    id: makeId(RESOURCE_PREFIX[family] ?? `${family}_`, 'id'),
    organization_id: makeId('org_', 'org'),
  };
  for (const field of EVENT_CATALOG[type]) data[field] = makeId(FIELD_PREFIX[field] ?? '', field);
  const created = options.createdAt ?? new Date();
  return {
    type: 'event',
    id: options.id ?? makeId('evt_', 'event'),
    created_at: typeof created === 'string' ? created : created.toISOString(),
    data,
  } as unknown as WebhookEventOf<T>;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz';
const SUFFIX_LENGTH = 24;

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SUFFIX_LENGTH));
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

// FNV-1a over the seed, then stepped per character, so a seed gives the same ids on every
// runtime without a crypto dependency, and seeds sharing a prefix still differ throughout.
function stableSuffix(seed: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  let out = '';
  while (out.length < SUFFIX_LENGTH) {
    hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
    hash = Math.imul(hash ^ (hash >>> 12), 0x297a2d39) >>> 0;
    out += ALPHABET[((hash ^ (hash >>> 15)) >>> 0) % ALPHABET.length];
  }
  return out;
}
