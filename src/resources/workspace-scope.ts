/**
 * The event's workspace as request params, so a credential that can act on several Workspaces
 * reads the right one (a workspace-scoped key accepts its own). Organization-level events have no
 * `workspace_id`, and then nothing is added.
 *
 * @example
 * ```ts
 * client.beta.sessions.retrieve(data.id, workspaceScope(data)); // { workspace_id: 'wrkspc_…' } or {}
 * ```
 */
export function workspaceScope(data: { readonly [field: string]: unknown }): { workspace_id?: string } {
  const workspace = data['workspace_id'];
  return typeof workspace === 'string' && workspace !== '' ? { workspace_id: workspace } : {};
}
