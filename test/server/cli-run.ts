/** Runs the real CLI (bin/touchbase.js) as its own process, for the CLI tests. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'touchbase.js');

const dir = mkdtempSync(join(tmpdir(), 'touchbase-cli-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A path in this test process's scratch folder. */
export function scratch(name: string): string {
  return join(dir, name);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as its own process. */
export function touchbase(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

export function file(name: string, content: string): string {
  const path = scratch(name);
  writeFileSync(path, content);
  return path;
}
