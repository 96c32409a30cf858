// The native CDC stack for one e2e test file: useStack() registers beforeAll/afterAll hooks that bring
// it up (deploy/local/up.sh, idempotent), check the Python readers and dist/, connect a Kafka watcher,
// and afterwards restore any component a test stopped and stop the stack only if this file started it.
// Also restarts single components (minio.sh / kafka.sh stop + start). Never kills processes by name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { CLI, LOCAL, MIN, PY, REQUIRE, ROOT, secs, sleep, type Log } from './env.js';
import { killLeftoverEngines, removePipelineCopies } from './engine.js';
import { KafkaWatch } from './kafka-offsets.js';
import { sh, shAsync } from './shell.js';

export interface Stack {
  /** Why the tests of this file are skipped ('' when the stack is usable). */
  error: string;
  /** Connected in beforeAll when the stack is usable. */
  kafka: KafkaWatch | undefined;
}

export type Component = 'postgres' | 'mariadb' | 'kafka' | 'connect' | 'minio';

const tail = (s: string, n: number): string => s.trim().split('\n').slice(-n).join('\n');

function stackRuns(): boolean {
  return spawnSync('bash', [`${LOCAL}/status.sh`], { encoding: 'utf8' }).status === 0;
}

function pythonReady(): boolean {
  if (!existsSync(PY)) return false;
  return spawnSync(PY, ['-c', 'import pyiceberg, pyarrow, duckdb'], { stdio: 'ignore' }).status === 0;
}

/** Registers the hooks; the returned object is filled in by beforeAll. */
export function useStack(log: Log, prefix: string, runTag: string): Stack {
  const stack: Stack = { error: '', kafka: undefined };
  let startedStack = false;
  let usable = false;

  const unusable = (why: string): void => {
    stack.error = why;
    if (REQUIRE) throw new Error(why);
    console.warn(`[${prefix}] SKIPPED: ${why}`);
  };

  beforeAll(async () => {
    const t0 = Date.now();
    const running = stackRuns();
    log(running ? 'the stack already runs: using it as it is' : 'starting the stack: bash deploy/local/up.sh');
    const up = spawnSync('bash', [`${LOCAL}/up.sh`], { cwd: ROOT, encoding: 'utf8', timeout: 40 * MIN });
    if (up.status !== 0) {
      // a half-started stack is not left behind
      if (!running) spawnSync('bash', [`${LOCAL}/down.sh`], { stdio: 'ignore', timeout: 5 * MIN });
      return unusable(`the CDC stack cannot be started here: deploy/local/up.sh failed (${up.error?.message ?? `exit ${up.status}`}):\n` +
        tail(`${up.stdout}\n${up.stderr}`, 25));
    }
    startedStack = !running;
    usable = true;
    log(`stack up in ${secs(t0)}: PostgreSQL 15 :15432, MariaDB 10.11 :13306, Kafka 4.1.1 :19092, Connect+Debezium 3.5.0 :18083, MinIO :19000`);
    if (!pythonReady())
      return unusable('needs .venv/bin/python with pyiceberg, pyarrow and duckdb (python3 -m venv .venv && .venv/bin/pip install pyiceberg pyarrow duckdb)');
    if (!existsSync(CLI)) {
      log('dist/ is missing: building with npx tsc -p tsconfig.json');
      sh('npx', ['tsc', '-p', 'tsconfig.json'], { timeoutMs: 10 * MIN });
    }
    stack.kafka = new KafkaWatch(runTag);
    await stack.kafka.connect();
  }, 45 * MIN);

  afterAll(async () => {
    const left = killLeftoverEngines();
    if (left > 0) log(`killed ${left} engine process(es) a failed test left running`);
    removePipelineCopies();
    await stack.kafka?.disconnect().catch(() => undefined);
    if (!usable) return;
    if (startedStack && process.env['STREAMFORGE_E2E_KEEP'] !== '1') {
      log('stopping the stack this file started: bash deploy/local/down.sh (STREAMFORGE_E2E_KEEP=1 keeps it)');
      spawnSync('bash', [`${LOCAL}/down.sh`], { stdio: 'ignore', timeout: 5 * MIN });
      return;
    }
    // A test that stopped a component and failed before starting it again must not leave it down.
    if (!stackRuns()) {
      log('a component is down after the tests: bash deploy/local/up.sh');
      spawnSync('bash', [`${LOCAL}/up.sh`], { stdio: 'ignore', timeout: 10 * MIN });
    }
  }, 10 * MIN);

  return stack;
}

export async function stopComponent(c: Component): Promise<void> {
  await shAsync('bash', [`${LOCAL}/${c}.sh`, 'stop'], { timeoutMs: 3 * MIN });
}

export async function startComponent(c: Component): Promise<void> {
  await shAsync('bash', [`${LOCAL}/${c}.sh`, 'start'], { timeoutMs: 5 * MIN });
}

export function componentRuns(c: Component): boolean {
  return spawnSync('bash', [`${LOCAL}/${c}.sh`, 'status'], { stdio: 'ignore' }).status === 0;
}

/**
 * Stops components in the given order, keeps them down for `downMs`, starts them again in reverse
 * order (each start script waits until it is usable). Returns the seconds the last one stopped was
 * unreachable, from its stop to its ready start.
 */
export async function restartComponents(stopOrder: readonly Component[], downMs: number, log: Log): Promise<number> {
  let t0 = Date.now();
  for (const c of stopOrder) {
    t0 = Date.now();
    log(`stopping ${c}: bash deploy/local/${c}.sh stop`);
    await stopComponent(c);
    log(`${c} stopped after ${secs(t0)}`);
  }
  log(`keeping ${stopOrder.join(' and ')} down for ${(downMs / 1000).toFixed(1)} s`);
  await sleep(downMs);
  let down = 0;
  for (const c of [...stopOrder].reverse()) {
    const t1 = Date.now();
    log(`starting ${c}: bash deploy/local/${c}.sh start`);
    await startComponent(c);
    if (down === 0) down = (Date.now() - t0) / 1000;
    log(`${c} ready again after ${secs(t1)}`);
  }
  return down;
}
