// Runs the compiled streamforge CLI (and other programs) as child processes WITHOUT blocking the
// test worker's event loop (spawnSync stalls vitest's RPC on long runs). Test harness only.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'dist/engine/cli/main.js');

export interface Completed {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a program to completion; resolves with its exit status (-1 when killed) and output. */
export function run(cmd: string, args: readonly string[], cwd: string): Promise<Completed> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', rej);
    child.on('close', (code) =>
      res({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** `streamforge <args>` in `cwd`. */
export function streamforge(args: readonly string[], cwd: string): Promise<Completed> {
  return run(process.execPath, [CLI, ...args], cwd);
}
