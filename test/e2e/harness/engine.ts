// StreamForge engine processes for the e2e tests: `node dist/engine/cli/main.js run ...` spawned
// directly (so the child's pid IS the engine and SIGKILL hits it), with output kept for the report,
// plus a copy of examples/cdc-stack with a shorter commit_interval and `run --once` / `tables`
// helpers. Must not inspect tables (warehouse.ts does) nor touch the stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, EXAMPLE_DIR, MIN, ROOT, S3_ENV } from './env.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const KEEP_CHARS = 64 * 1024;
/** Every engine this test file started and that has not exited yet. */
const running = new Set<EngineProcess>();

/** SIGKILLs the engines still running (a failed test must not leave one behind); returns how many. */
export function killLeftoverEngines(): number {
  let n = 0;
  for (const e of running) if (e.kill9()) n++;
  return n;
}

/** One engine process. Its stdout and stderr are drained continuously (the tail is kept). */
export class EngineProcess {
  readonly pid: number;
  readonly startedAt = Date.now();
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;

  constructor(
    readonly label: string,
    readonly args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...S3_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error(`could not start the engine (${label})`);
    this.pid = this.child.pid;
    const keep = (s: string, d: Buffer): string => (s + d.toString()).slice(-KEEP_CHARS);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout = keep(this.stdout, d)));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = keep(this.stderr, d)));
    running.add(this);
    this.exited = new Promise((ok) =>
      this.child.on('close', (code, signal) => {
        running.delete(this);
        this.exit = { code, signal };
        ok(this.exit);
      }),
    );
  }

  get alive(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get uptimeMs(): number {
    return Date.now() - this.startedAt;
  }

  /** SIGKILL (kill -9); true when the process was still running. */
  kill9(): boolean {
    if (!this.alive) return false;
    process.kill(this.pid, 'SIGKILL');
    return true;
  }

  /** SIGTERM (the engine commits and stops), SIGKILL after `graceMs`. */
  async stop(graceMs = 60_000): Promise<Exit> {
    if (this.alive) process.kill(this.pid, 'SIGTERM');
    const timer = setTimeout(() => this.kill9(), graceMs);
    const e = await this.exited;
    clearTimeout(timer);
    return e;
  }

  /** Waits for the exit; kills it after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<Exit> {
    const timer = setTimeout(() => this.kill9(), timeoutMs);
    const e = await this.exited;
    clearTimeout(timer);
    return e;
  }

  describeExit(): string {
    const e = this.exit;
    if (!e) return 'running';
    return e.signal ? `killed by ${e.signal}` : `exit ${e.code}`;
  }

  /** The last lines of stderr and stdout, for failure messages. */
  output(lines = 30): string {
    const t = (s: string) => s.trim().split('\n').slice(-lines).join('\n');
    return `--- stderr of ${this.label} (pid ${this.pid}, ${this.describeExit()}):\n${t(this.stderr)}\n--- stdout:\n${t(this.stdout)}`;
  }
}

/** Long-running `streamforge run <dir> --warehouse <w>`. */
export function startEngine(label: string, dir: string, warehouse: string): EngineProcess {
  return new EngineProcess(label, ['run', dir, '--warehouse', warehouse]);
}

/** `streamforge run <dir> --once --warehouse <w>` to completion; throws (with output) unless it exits 0. */
export async function runOnce(label: string, dir: string, warehouse: string, timeoutMs = 20 * MIN): Promise<EngineProcess> {
  const e = new EngineProcess(label, ['run', dir, '--once', '--warehouse', warehouse]);
  const x = await e.wait(timeoutMs);
  if (x.code !== 0) throw new Error(`streamforge run --once (${label}) failed: ${e.describeExit()}\n${e.output()}`);
  return e;
}

/** `streamforge tables --warehouse <w>`: table name -> current metadata URI (and the printed listing). */
export async function listTables(warehouse: string): Promise<{ metadata: Map<string, string>; text: string }> {
  const e = new EngineProcess('tables', ['tables', '--warehouse', warehouse]);
  const x = await e.wait(2 * MIN);
  if (x.code !== 0) throw new Error(`streamforge tables failed: ${e.describeExit()}\n${e.output()}`);
  const metadata = new Map<string, string>();
  for (const l of e.stdout.split('\n')) {
    const m = /^(\w+\.\w+)\s.*\s(s3:\/\/\S+\.metadata\.json)\s*$/.exec(l);
    if (m) metadata.set(m[1]!, m[2]!);
  }
  return { metadata, text: e.stdout.trim() };
}

const copies = new Set<string>();

/** Deletes the pipeline copies this test file made. */
export function removePipelineCopies(): void {
  for (const d of copies) rmSync(d, { recursive: true, force: true });
  copies.clear();
}

/**
 * A private copy of examples/cdc-stack's pipelines (*.sql) with every `commit_interval` set to
 * `interval`, so that a short run commits often. Returns the directory.
 */
export function pipelineCopy(runId: string, interval: string): string {
  const root = join(tmpdir(), `streamforge-${runId}`);
  const dir = join(root, 'pipelines');
  mkdirSync(dir, { recursive: true });
  copies.add(root);
  let replaced = 0;
  for (const f of readdirSync(EXAMPLE_DIR).filter((n) => n.endsWith('.sql'))) {
    const text = readFileSync(join(EXAMPLE_DIR, f), 'utf8').replace(/commit_interval\s*=\s*'[^']*'/g, () => {
      replaced++;
      return `commit_interval = '${interval}'`;
    });
    writeFileSync(join(dir, f), text);
  }
  if (replaced !== 2) throw new Error(`expected 2 commit_interval options in ${EXAMPLE_DIR}, found ${replaced}`);
  return dir;
}

/** The `source <name>: N events read, ...` counters of a run's summary. */
export function sourceSummary(stdout: string, source: string): { read: number; late: number; dead: number; skipped: number } | undefined {
  const m = new RegExp(`^source ${source}: ([\\d,]+) events read, ([\\d,]+) late, ([\\d,]+) dead-lettered, ([\\d,]+) skipped`, 'm').exec(stdout);
  if (!m) return undefined;
  const [read, late, dead, skipped] = m.slice(1, 5).map((n) => Number(n.replace(/,/g, ''))) as [number, number, number, number];
  return { read, late, dead, skipped };
}
