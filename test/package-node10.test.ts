// `moduleResolution: node10` — the default of `module: commonjs`, common in NestJS and older
// CommonJS projects — ignores the exports map. The packed package must still give every subpath
// its types there (through typesVersions), checked by the real compiler in a scratch project.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
// Inside the checkout, so the package's own dependencies (and optional peers) resolve from
// ./node_modules as they would from an app's.
mkdirSync(join(root, '.cache'), { recursive: true });
const project = mkdtempSync(join(root, '.cache/node10-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const SOURCE = `
import { unwrap, isWebhookVerificationError, type WebhookEvent, type WebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import * as lambda from 'managed-agents-webhooks/lambda';
import * as resources from 'managed-agents-webhooks/resources';
import * as queue from 'managed-agents-webhooks/queue';

export async function handle(request: Request): Promise<WebhookEvent> {
  return unwrapRequest(request, { secret: 'whsec_x' });
}
export const fromBody = (body: string, headers: Headers): string => unwrap(body, headers).data.type;
export const node: typeof unwrapNodeRequest = unwrapNodeRequest;
export const guard = createIdempotencyGuard();
export function code(err: unknown): string | undefined {
  if (isWebhookVerificationError(err)) {
    const e: WebhookVerificationError = err;
    return e.code;
  }
  return undefined;
}
export const modules = [lambda, resources, queue];
// The types are the package's, not any: a wrong use is an error.
// @ts-expect-error unwrap needs a body and headers
unwrap();
`;

function compile(moduleResolution: string, module: string): string {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // TypeScript 5.9 deprecates node10; the option keeps the check running, it changes nothing.
        ignoreDeprecations: '5.0',
      },
      files: ['index.ts'],
    }),
  );
  try {
    return execFileSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('TypeScript with moduleResolution node10', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/index.cjs'))) throw new Error('dist/ is missing: run npm run build first');
    // The packed tarball, installed the way npm would: only what it ships.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const tarball = out.trim().split('\n').pop() ?? '';
    const target = join(project, 'node_modules/managed-agents-webhooks');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(project, tarball), '-C', target, '--strip-components=1']);
    expect(readdirSync(target)).toContain('dist');
    writeFileSync(join(project, 'index.ts'), SOURCE);
  }, 120_000);

  it.each([
    ['node10', 'commonjs'],
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ])('resolves every subpath with its types (%s)', (moduleResolution, module) => {
    expect(compile(moduleResolution, module)).toBe('');
  });
});
