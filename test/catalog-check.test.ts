// npm run catalog:check: the event catalogue against the installed SDK's own declarations, and a
// drifted copy of those declarations, which it must fail on naming each type and field.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../src/events/catalog.js';
import { compareCatalogues, readSdkDeclarations } from '../tools/catalog-drift.js';

const run = promisify(execFile);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const sdkRoot = dirname(createRequire(join(root, 'package.json')).resolve('@anthropic-ai/sdk'));
const installed = join(sdkRoot, 'resources', 'beta', 'webhooks.d.ts');
const temp = mkdtempSync(join(tmpdir(), 'catalog-check-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function replaceOnce(text: string, from: string, to: string): string {
  expect(text.includes(from), `the declarations contain ${JSON.stringify(from)}`).toBe(true);
  return text.replace(from, to);
}

// The SDK's file with one type dropped, one invented, a field added, one removed and one loosened.
function driftedCopy(): string {
  let text = readFileSync(installed, 'utf8');
  text = replaceOnce(
    text,
    ' | BetaWebhookExternalStorageRecoveredEventData;',
    ' | BetaWebhookSessionTeleportedEventData;',
  );
  text = replaceOnce(text, "    type: 'agent.created';\n", "    type: 'agent.created';\n    agent_version: string;\n");
  text = replaceOnce(
    text,
    "    type: 'vault_credential.created';\n    /**\n     * ID of the vault that owns this credential.\n     */\n    vault_id: string;\n",
    "    type: 'vault_credential.created';\n",
  );
  text = replaceOnce(
    text,
    "    type: 'agent.archived';\n    workspace_id: string;",
    "    type: 'agent.archived';\n    workspace_id?: string | null;",
  );
  text += `\nexport interface BetaWebhookSessionTeleportedEventData {\n    id: string;\n    organization_id: string;\n    type: 'session.teleported';\n    workspace_id: string;\n}\n`;
  const file = join(temp, 'webhooks.d.ts');
  writeFileSync(file, text);
  return file;
}

const DRIFT = [
  'agent.archived: field workspace_id is optional string | null in the SDK, but the catalogue types every field as a required string',
  'agent.created: field agent_version declared by the SDK but missing from src/events/catalog.ts',
  'session.teleported: declared by the SDK but missing from src/events/catalog.ts (data fields: id, organization_id, workspace_id)',
  'vault_credential.created: field vault_id in src/events/catalog.ts but not declared by the SDK',
  'external_storage.recovered: in src/events/catalog.ts but not declared by the SDK (nor a documented addition in tools/catalog-drift.ts)',
];

describe('the catalogue against @anthropic-ai/sdk', () => {
  it('matches the installed SDK: its 51 types, plus session.status_scheduled', () => {
    const sdk = readSdkDeclarations(installed);
    expect(sdk.events.size).toBe(51);
    expect(sdk.events.has('session.status_scheduled')).toBe(false);
    expect([...sdk.events.get('external_storage.failed')!.keys()].sort()).toEqual(['id', 'organization_id']);
    expect(sdk.envelope).toEqual(['created_at', 'data', 'id', 'type']);
    expect(compareCatalogues(sdk, EVENT_CATALOG)).toEqual([]);
  });

  it("would have failed on 0.2's catalogue, naming SDK 1.13's two types", () => {
    const { 'external_storage.failed': _f, 'external_storage.recovered': _r, ...old } = EVENT_CATALOG;
    expect(compareCatalogues(readSdkDeclarations(installed), old)).toEqual([
      'external_storage.failed: declared by the SDK but missing from src/events/catalog.ts (data fields: id, organization_id)',
      'external_storage.recovered: declared by the SDK but missing from src/events/catalog.ts (data fields: id, organization_id)',
    ]);
  });

  it('fails on a drifted copy of the declarations, naming each type and field', () => {
    expect(compareCatalogues(readSdkDeclarations(driftedCopy()), EVENT_CATALOG)).toEqual(DRIFT);
  });

  it('reports a documented addition the SDK starts declaring, and an undocumented extra type', () => {
    const sdk = readSdkDeclarations(installed);
    sdk.events.set(
      'session.status_scheduled',
      new Map([
        ['id', { type: 'string', optional: false }],
        ['organization_id', { type: 'string', optional: false }],
        ['workspace_id', { type: 'string', optional: false }],
      ]),
    );
    expect(compareCatalogues(sdk, { ...EVENT_CATALOG, 'widget.created': [] })).toEqual([
      'session.status_scheduled: now declared by the SDK; remove it from DOCUMENTED_ADDITIONS (tools/catalog-drift.ts) and from the catalogue comment',
      'widget.created: in src/events/catalog.ts but not declared by the SDK (nor a documented addition in tools/catalog-drift.ts)',
    ]);
  });
});

describe('npm run catalog:check', () => {
  it('passes on the installed SDK and exits 1 on the drifted copy, listing every difference', async () => {
    const ok = await run('npm', ['run', '--silent', 'catalog:check'], { cwd: root });
    expect(ok.stdout).toMatch(
      /matches @anthropic-ai\/sdk 1\.16\.0: 51 types, plus 1 documented addition \(session\.status_scheduled\)/,
    );
    const failed = await run('npm', ['run', '--silent', 'catalog:check', '--', '--declarations', driftedCopy()], {
      cwd: root,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    for (const line of DRIFT) expect(failed?.stderr).toContain(`  - ${line}`);
  });
});
