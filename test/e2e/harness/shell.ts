// Short commands for the e2e tests: run a program from the repository root (blocking, or without
// blocking the event loop) and return its stdout, throwing with the output's tail on failure; and the
// psql / mariadb client shortcuts of deploy/local that return rows as arrays of strings. Must not
// start long-running processes (engine.ts and workload.ts do).
import { spawn, spawnSync } from 'node:child_process';
import { LOCAL, ROOT } from './env.js';

export interface ShOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export function sh(cmd: string, args: readonly string[], opts: ShOptions = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${out}`);
  }
  return r.stdout;
}

const rows = (out: string): string[][] =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

/** One SQL statement in PostgreSQL (db shop), rows tab-separated. */
export const psql = (sql: string): string[][] => rows(sh('bash', [`${LOCAL}/postgres.sh`, 'psql', '-tA', '-F', '\t', '-c', sql]));

/** One SQL statement in MariaDB (db shop), rows tab-separated. */
export const mariadb = (sql: string): string[][] => rows(sh('bash', [`${LOCAL}/mariadb.sh`, 'sql', '-N', '-B', '-e', sql]));

/**
 * Like sh() but without blocking the event loop (the tests keep reading engine output meanwhile);
 * resolves with stdout, rejects with the output's tail.
 */
export function shAsync(cmd: string, args: readonly string[], opts: ShOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(out);
      const tail = `${out}\n${err}`.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code ?? signal}):\n${tail}`));
    });
    child.stdin.end(opts.input ?? '');
  });
}
