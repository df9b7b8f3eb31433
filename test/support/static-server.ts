// A static file server on 127.0.0.1 for a built site, as strict as a plain host: a path is a file,
// or a folder with an index.html; nothing else is rewritten, so a broken link gets a 404 here too.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:port`, no trailing slash. */
  origin: string;
  /** The file a URL path is served from, or undefined where the server answers 404. */
  fileFor(pathname: string): string | undefined;
  close(): Promise<void>;
}

/** Serves `root` on a free loopback port. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const fileFor = (pathname: string): string | undefined => {
    let path: string;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    const file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    if (!existsSync(file)) return undefined;
    if (!statSync(file).isDirectory()) return file;
    const index = join(file, 'index.html');
    return path.endsWith('/') && existsSync(index) ? index : undefined;
  };
  const server: Server = createServer((req, res) => {
    const file = fileFor(new URL(req.url ?? '/', 'http://x').pathname);
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    fileFor,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
