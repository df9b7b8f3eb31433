// A loopback stand-in for an OpenTelemetry collector's OTLP/HTTP traces endpoint: it accepts
// POST /v1/traces with a JSON body (what @opentelemetry/exporter-trace-otlp-http sends), decodes
// it enough to list each span's name, trace id and scope, and answers 200 as a collector does.
// Anything else (protobuf, another path) gets 415/404, so an exporter sending it fails loudly.
import { createServer, type Server } from 'node:http';
import { close, listen } from './http.js';

/** One span as the collector received it. */
export interface CollectedSpan {
  name: string;
  /** Hex, as OTLP/JSON encodes it. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** The instrumentation scope's name, e.g. `managed-agents-webhooks`. */
  scope: string;
  scopeVersion: string;
}

export interface OtlpCollector {
  /** `http://127.0.0.1:<port>/v1/traces`, for the exporter's `url`. */
  tracesUrl: string;
  spans: CollectedSpan[];
  /** Requests received, whatever their fate. */
  requests: number;
  close(): Promise<void>;
}

interface OtlpJson {
  resourceSpans?: Array<{
    scopeSpans?: Array<{
      scope?: { name?: string; version?: string };
      spans?: Array<{ name?: string; traceId?: string; spanId?: string; parentSpanId?: string }>;
    }>;
  }>;
}

/** The most a request body may hold; a test export is a few kilobytes. */
const MAX_BODY = 4 * 1024 * 1024;

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const collector: OtlpCollector = { tracesUrl: '', spans: [], requests: 0, close: async () => close(server) };
  const server: Server = createServer((req, res) => {
    collector.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      let body: OtlpJson;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson;
      } catch {
        res.writeHead(400).end();
        return;
      }
      for (const resource of body.resourceSpans ?? []) {
        for (const scoped of resource.scopeSpans ?? []) {
          for (const span of scoped.spans ?? []) {
            collector.spans.push({
              name: span.name ?? '',
              traceId: span.traceId ?? '',
              spanId: span.spanId ?? '',
              parentSpanId: span.parentSpanId ?? '',
              scope: scoped.scope?.name ?? '',
              scopeVersion: scoped.scope?.version ?? '',
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.tracesUrl = `${await listen(server)}/v1/traces`;
  return collector;
}
