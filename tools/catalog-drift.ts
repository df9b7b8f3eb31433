// Reads the webhook event types an @anthropic-ai/sdk release declares, from its own .d.ts files
// through the TypeScript compiler's type checker, and compares them with src/events/catalog.ts.
// Used by tools/catalog-check.ts (npm run catalog:check) and its test.
import ts from 'typescript';

/** Each `data.type` the SDK declares → its `data` fields (name → how the SDK types it). */
export type SdkCatalogue = Map<string, Map<string, SdkField>>;

export interface SdkField {
  /** The type as the checker prints it, e.g. `string` or `string | null`. */
  type: string;
  optional: boolean;
}

export interface SdkDeclarations {
  events: SdkCatalogue;
  /** The fields of `BetaWebhookEvent` itself (the envelope around `data`). */
  envelope: string[];
}

/**
 * Types this package knows that no SDK version declares, each with where it comes from. A type
 * listed here is skipped when missing from the SDK, and reported once the SDK declares it.
 */
export const DOCUMENTED_ADDITIONS: Readonly<Record<string, string>> = {
  'session.status_scheduled':
    "Anthropic's Claude API reference for Managed Agents lists it among the webhook event types; no SDK version declares it",
};

/** The envelope fields every event has, as `WebhookEvent` declares them. */
export const OUR_ENVELOPE: readonly string[] = ['created_at', 'data', 'id', 'type'];

// Every event's data has these besides the catalogue's per-type fields (see src/events/types.ts).
const COMMON_FIELDS = ['id', 'organization_id'];

/**
 * Reads `BetaWebhookEventData` (the union of every event's data) and `BetaWebhookEvent` from the
 * SDK's `resources/beta/webhooks.d.ts`, or a copy of it. Throws when neither can be found: the SDK
 * moved its declarations and this tool needs updating.
 */
export function readSdkDeclarations(file: string): SdkDeclarations {
  // strict, so `string | null` reads as such; noResolve, so only this file is read (its event
  // types import nothing), which keeps the check to a second instead of the whole SDK's graph.
  const program = ts.createProgram([file], { strict: true, noEmit: true, noResolve: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file}: not a module the TypeScript compiler can read.`);
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]));
  const find = (name: string): ts.Type => {
    const symbol = exported.get(name);
    if (symbol === undefined) {
      throw new Error(
        `${file} exports no ${name}: the SDK moved its webhook declarations; update tools/catalog-drift.ts.`,
      );
    }
    return checker.getDeclaredTypeOfSymbol(symbol);
  };

  const events: SdkCatalogue = new Map();
  const data = find('BetaWebhookEventData');
  for (const member of data.isUnion() ? data.types : [data]) {
    const typeSymbol = member.getProperty('type');
    const literal = typeSymbol === undefined ? undefined : checker.getTypeOfSymbol(typeSymbol);
    if (literal === undefined || !literal.isStringLiteral()) {
      throw new Error(
        `${file}: a member of BetaWebhookEventData has no string literal "type" (${checker.typeToString(member)}).`,
      );
    }
    const fields = new Map<string, SdkField>();
    for (const property of checker.getPropertiesOfType(member)) {
      if (property.name === 'type') continue;
      const declaration = property.valueDeclaration;
      fields.set(property.name, {
        // As written in the SDK (an optional field's checker type would add `| undefined`).
        type:
          declaration !== undefined && ts.isPropertySignature(declaration) && declaration.type !== undefined
            ? declaration.type.getText()
            : checker.typeToString(checker.getTypeOfSymbol(property)),
        optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
      });
    }
    events.set(literal.value, fields);
  }
  const envelope = checker
    .getPropertiesOfType(find('BetaWebhookEvent'))
    .map((property) => property.name)
    .sort();
  return { events, envelope };
}

/**
 * Every difference between the SDK's declarations and our catalogue, one line each, naming the
 * type and field; empty when they match (documented additions aside).
 */
export function compareCatalogues(
  sdk: SdkDeclarations,
  catalogue: Readonly<Record<string, readonly string[]>>,
  additions: Readonly<Record<string, string>> = DOCUMENTED_ADDITIONS,
): string[] {
  const problems: string[] = [];
  const has = (record: object, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key);

  for (const field of sdk.envelope.filter((name) => !OUR_ENVELOPE.includes(name))) {
    problems.push(`envelope: field ${field} declared by the SDK (BetaWebhookEvent) but not by WebhookEvent`);
  }
  for (const field of OUR_ENVELOPE.filter((name) => !sdk.envelope.includes(name))) {
    problems.push(`envelope: field ${field} in WebhookEvent but not declared by the SDK (BetaWebhookEvent)`);
  }

  for (const [type, fields] of [...sdk.events].sort(([a], [b]) => a.localeCompare(b))) {
    if (has(additions, type)) {
      problems.push(
        `${type}: now declared by the SDK; remove it from DOCUMENTED_ADDITIONS (tools/catalog-drift.ts) and from the catalogue comment`,
      );
    }
    if (!has(catalogue, type)) {
      problems.push(
        `${type}: declared by the SDK but missing from src/events/catalog.ts (data fields: ${[...fields.keys()].join(', ')})`,
      );
      continue;
    }
    const ours = [...COMMON_FIELDS, ...(catalogue[type] ?? [])];
    for (const [name, field] of fields) {
      if (!ours.includes(name)) {
        problems.push(`${type}: field ${name} declared by the SDK but missing from src/events/catalog.ts`);
      } else if (field.optional || field.type !== 'string') {
        problems.push(
          `${type}: field ${name} is ${field.optional ? 'optional ' : ''}${field.type} in the SDK, but the catalogue types every field as a required string`,
        );
      }
    }
    for (const name of ours.filter((field) => !fields.has(field))) {
      problems.push(`${type}: field ${name} in src/events/catalog.ts but not declared by the SDK`);
    }
  }

  for (const type of Object.keys(catalogue).sort()) {
    if (!sdk.events.has(type) && !has(additions, type)) {
      problems.push(
        `${type}: in src/events/catalog.ts but not declared by the SDK (nor a documented addition in tools/catalog-drift.ts)`,
      );
    }
  }
  return problems;
}
