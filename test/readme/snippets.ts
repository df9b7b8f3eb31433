// Type-checks the ```ts blocks of Markdown files (the README and the docs site's pages) against the
// built package, the way a user who copies them into a strict TypeScript project would: each block
// is its own ES module, resolved through the package's own name (its exports map, so dist/ must be
// built).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One ```ts block: the Markdown file it is in and where it starts there (1-based line of its first code line). */
export interface Snippet {
  file: string;
  line: number;
  code: string;
}

/** A compiler error, placed on the Markdown file and line it comes from. */
export interface SnippetError {
  file: string;
  line: number;
  code: number;
  message: string;
}

// A VitePress page may give a block a title or options (```ts [server.ts], ```ts{2}); such a
// block is still TypeScript a reader copies, so it is checked too. ```tsx and the like are not ts.
const TS_FENCE = /^\s*```\s*(ts|typescript)(?![\w-])[^`]*$/;

/** Every ```ts (or ```typescript) block of the Markdown, in order; `file` names it in errors. */
export function extractSnippets(markdown: string, file = ''): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let open: { line: number; code: string[] } | undefined;
  for (const [i, text] of lines.entries()) {
    if (open === undefined) {
      if (TS_FENCE.test(text)) open = { line: i + 2, code: [] };
    } else if (/^\s*```\s*$/.test(text)) {
      snippets.push({ file, line: open.line, code: open.code.join('\n') });
      open = undefined;
    } else {
      open.code.push(text);
    }
  }
  return snippets;
}

/**
 * Names a fragment may use without defining them — the context it is cut from (a request, the
 * secret, the verified event). Ambient, so a block's own import or declaration of the same name
 * shadows it. Everything else a block uses it must import or declare itself.
 */
export const PRELUDE = `import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventHandlers, WebhookEvent } from 'managed-agents-webhooks';
declare global {
  /** The endpoint's whsec_ secret. */
  const secret: string;
  /** A verified event. */
  const event: WebhookEvent;
  /** A handler map for dispatch. */
  const handlers: EventHandlers;
  /** A fetch Request, and node:http's request and response. */
  const request: Request;
  const req: IncomingMessage;
  const res: ServerResponse;
  /** Side effects the examples call. */
  function notify(text: string): Promise<void>;
  function track(id: string): void;
}
export {};
`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  // What `tsc --strict` users have; stricter flags of this repository's own (exact optional
  // properties) are not what a reader copying a snippet runs.
  strict: true,
  noFallthroughCasesInSwitch: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  // No DOM: its global `event` would clash with the prelude's; fetch's types come from @types/node.
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
};

// A fragment cut from inside a handler may `return`; such a block is checked as a function body.
const RETURN_OUTSIDE_FUNCTION = 1108;

interface ModuleText {
  text: string;
  /** The block's own line (0-based) for a line of the module. */
  blockLine: (moduleLine: number) => number;
}

/** The block as a module: an ellipsis stands for elided code; `return` wraps it in a function. */
function moduleText(snippet: Snippet, wrap: boolean): ModuleText {
  const code = snippet.code.replaceAll('…', '/* … */');
  if (!wrap) return { text: `${code}\nexport {};\n`, blockLine: (line) => line };
  const lines = code.split('\n');
  // Imports stay at the top level; everything after them becomes the function's body.
  let imports = 0;
  while (imports < lines.length && /^(import\s|\s*$)/.test(lines[imports] ?? '')) imports++;
  const head = lines.slice(0, imports);
  const body = lines.slice(imports);
  const text = [...head, 'export async function snippet(): Promise<unknown> {', ...body, '}', ''].join('\n');
  // One line, the function's head, sits between the imports and the rest.
  return { text, blockLine: (line) => (line < imports ? line : Math.max(imports, line - 1)) };
}

/**
 * Type-checks the snippets in a scratch folder `dir` (inside the package, so its name resolves to
 * the build) and returns the errors, on the Markdown's lines.
 */
export function checkSnippets(snippets: Snippet[], dir: string): SnippetError[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'prelude.ts'), PRELUDE);

  const compile = (wrapped: ReadonlySet<number>): Map<number, ts.Diagnostic[]> => {
    const sources = snippets.map((snippet, i) => {
      const { text } = moduleText(snippet, wrapped.has(i));
      // Numbered by position: two files may each have a block on the same line.
      const file = join(dir, `block-${String(i).padStart(4, '0')}-line-${snippet.line}.ts`);
      writeFileSync(file, text);
      return { file };
    });
    const program = ts.createProgram({
      rootNames: [join(dir, 'prelude.ts'), ...sources.map((s) => s.file)],
      options: COMPILER_OPTIONS,
    });
    const byBlock = new Map<number, ts.Diagnostic[]>();
    const all = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    if (all.length > 0) throw new Error(ts.formatDiagnostics(all, host));
    for (const [i, source] of sources.entries()) {
      const file = program.getSourceFile(source.file);
      if (file === undefined) throw new Error(`${source.file} was not compiled`);
      byBlock.set(i, [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]);
    }
    const prelude = program.getSourceFile(join(dir, 'prelude.ts'));
    const preludeErrors = prelude === undefined ? [] : program.getSemanticDiagnostics(prelude);
    if (preludeErrors.length > 0)
      throw new Error(`the prelude does not compile:\n${ts.formatDiagnostics(preludeErrors, host)}`);
    return byBlock;
  };

  const first = compile(new Set());
  const wrap = new Set([...first].filter(([, d]) => d.some((x) => x.code === RETURN_OUTSIDE_FUNCTION)).map(([i]) => i));
  const final = wrap.size === 0 ? first : compile(wrap);

  const errors: SnippetError[] = [];
  for (const [i, diagnostics] of final) {
    const snippet = snippets[i];
    if (snippet === undefined) continue;
    const { blockLine } = moduleText(snippet, wrap.has(i));
    for (const d of diagnostics) {
      const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const line = snippet.line + blockLine(at);
      errors.push({
        file: snippet.file,
        line,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  return errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

const host: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

/** `README.md:12: TS2322 …` lines for a report. */
export function formatErrors(errors: SnippetError[]): string[] {
  return errors.map((e) => `${relative(process.cwd(), e.file)}:${e.line}: TS${e.code} ${e.message}`);
}
