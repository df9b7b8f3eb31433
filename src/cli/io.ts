import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';

/** Reads a file's exact bytes, or standard input for `-`. */
export function readInput(path: string): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (error) {
    throw new UsageError(
      `cannot read ${path === '-' ? 'standard input' : path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Where commands write; swapped in tests and by `demo`. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** A transient line (progress) on a terminal; nothing elsewhere. */
  progress(line: string): void;
}

/** The exit code of a writer whose reader left, as a shell reports death by SIGPIPE (128 + 13). */
export const CLOSED_PIPE_EXIT_CODE = 141;

/**
 * Exits quietly when the reader of our output goes away (`demo | head -1`): the rest of the
 * output has nowhere to go, and an EPIPE stack trace would bury the lines that were read. Not 0:
 * the checks did not finish, so under `set -o pipefail` a cut-short conformance run must not pass.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(CLOSED_PIPE_EXIT_CODE);
    });
  }
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: (line) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
  },
};

/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (/^\d+$/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
