// Type-level tests, checked by `tsc -p tsconfig.test.json` (npm run typecheck): an expected
// error that does not occur fails the check.
import {
  dispatch,
  unwrap,
  type EventHandlers,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
} from '../src/index.js';

declare const event: WebhookEvent;

export function narrowing(): string {
  switch (event.data.type) {
    case 'session.thread_created': {
      const thread: string = event.data.session_thread_id;
      const workspace: string = event.data.workspace_id;
      return thread + workspace;
    }
    case 'session.status_idled': {
      // @ts-expect-error session.status_idled has no session_thread_id
      return event.data.session_thread_id;
    }
    case 'vault_credential.created':
      return event.data.vault_id;
    case 'user_profile.enforcement_action_opened': {
      // @ts-expect-error user_profile events belong to the organization, not a workspace
      void event.data.workspace_id;
      return event.data.enforcement_action_id;
    }
    case 'external_key.failed': {
      // @ts-expect-error external_key events have no workspace_id
      return event.data.workspace_id;
    }
    default:
      return event.data.organization_id;
  }
}

export function unwrapIsTyped(): void {
  const e = unwrap('', {});
  if (e.data.type === 'session.thread_idled') {
    const id: string = e.data.session_thread_id;
    void id;
  }
  // @ts-expect-error not a data.type
  if (e.data.type === 'session.teleported') return;
}

export function dispatchNarrows(): Promise<void> | undefined {
  return dispatch(event, {
    'session.thread_created': async (e) => {
      const id: string = e.data.session_thread_id;
      void id;
    },
    'session.status_idled': async (e) => {
      // @ts-expect-error narrowed to session.status_idled
      void e.data.session_thread_id;
    },
    default: async (e) => {
      const type: string = e.data.type;
      void type;
    },
  });
}

// @ts-expect-error handlers are keyed by known types only
dispatch(event, { 'session.teleported': () => 1 });
// @ts-expect-error a typo among valid keys is caught too
dispatch(event, { 'session.status_idled': () => 1, 'session.status_idld': () => 2 });

declare function notify(id: string): Promise<void>;

// The README's Events example: an async handler beside a sync default (TS2322 before 0.2.0).
export const mixed = dispatch(event, {
  'session.status_idled': async (e) => notify(e.data.id),
  'session.thread_created': (e) => e.data.session_thread_id,
  default: (e) => console.log('unhandled', e.data.type),
});
// With a default some handler always runs, so no `undefined`.
export type MixedIsTheUnion = Check<Equal<typeof mixed, Promise<void> | string | void>>;

export const partial = dispatch(event, { 'vault.created': (e) => e.data.workspace_id.length });
export type PartialMayBeUndefined = Check<Equal<typeof partial, number | undefined>>;

export const narrowedInMixed = dispatch(event, {
  'session.thread_created': (e) => e.data.session_thread_id,
  // @ts-expect-error narrowed per key even when the handlers' return types differ
  'session.status_idled': (e) => e.data.session_thread_id.length,
});

// The bare name still works: a handler map typed elsewhere (the queue worker takes one).
declare const handlers: EventHandlers;
export const fromBare = dispatch(event, handlers);
export type BareIsUnknown = Check<Equal<typeof fromBare, unknown>>;
export const bounded: EventHandlers<Promise<void> | void> = {
  'session.created': async () => {},
  default: () => {},
};

type Check<T extends true> = T;
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
export type OfIsExact = Check<
  Equal<
    WebhookEventOf<'vault_credential.deleted'>['data'],
    { type: 'vault_credential.deleted'; id: string; organization_id: string; workspace_id: string; vault_id: string }
  >
>;
export type FiftyTypes = Check<Equal<WebhookEventType extends string ? true : false, true>>;
