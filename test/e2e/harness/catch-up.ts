// Watches a running engine's progress from the warehouse: the commits of both feature tables, and
// waiting until their last commits cover the topics' end offsets (the engine caught up), failing
// early when the engine process exits. Reads only.
import { FEATURE_TABLES, SOURCES, sleep, TOPICS } from './env.js';
import type { EngineProcess } from './engine.js';
import type { KafkaWatch } from './kafka-offsets.js';
import { commitState, openWarehouse, type CommitState } from './warehouse.js';

/** Current state of both feature tables ('-' for a table not created yet), e.g. for log lines. */
export async function featureStates(warehouse: string): Promise<Record<string, CommitState | undefined>> {
  const store = openWarehouse(warehouse);
  const out: Record<string, CommitState | undefined> = {};
  for (const t of Object.values(FEATURE_TABLES)) out[t] = await commitState(store, t);
  return out;
}

export function describeStates(states: Record<string, CommitState | undefined>): string {
  return Object.entries(states)
    .map(([t, s]) => (s ? `${t} v${s.version} (${s.snapshots} snapshots)` : `${t} -`))
    .join(', ');
}

/** Total snapshots over both feature tables. */
export function snapshotCount(states: Record<string, CommitState | undefined>): number {
  return Object.values(states).reduce((n, s) => n + (s?.snapshots ?? 0), 0);
}

/**
 * Waits until the last commit of each feature table covers the end offsets of its topic. Throws
 * when `timeoutMs` passes or when one of `engines` exits meanwhile.
 */
export async function waitCaughtUp(warehouse: string, kafka: KafkaWatch, timeoutMs: number, engines: readonly EngineProcess[] = []): Promise<void> {
  const store = openWarehouse(warehouse);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let done = true;
    let where = '';
    for (const source of SOURCES) {
      const ends = await kafka.partitionEnds(TOPICS[source]);
      const got = (await commitState(store, FEATURE_TABLES[source]))?.positions[source] ?? {};
      const behind = Object.entries(ends).filter(([split, end]) => (got[split] ?? 0) < end);
      if (behind.length > 0) {
        done = false;
        where += ` ${source}: committed ${JSON.stringify(got)} of ${JSON.stringify(ends)};`;
      }
    }
    if (done) return;
    const dead = engines.find((e) => !e.alive);
    if (dead) throw new Error(`the engine stopped before catching up (${dead.describeExit()}):${where}\n${dead.output()}`);
    if (Date.now() > deadline) throw new Error(`the engine did not catch up within ${timeoutMs / 1000} s:${where}`);
    await sleep(500);
  }
}

/**
 * Waits until a feature table has more snapshots than in `since` (a commit landed; with
 * `everyTable`, until each of them has), polling every 100 ms; false when `timeoutMs` passed or the
 * engine exited first.
 */
export async function waitForNewCommit(
  warehouse: string,
  since: Record<string, CommitState | undefined>,
  timeoutMs: number,
  engine: EngineProcess,
  everyTable = false,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const newer = ([t, s]: [string, CommitState | undefined]): boolean => (s?.snapshots ?? 0) > (since[t]?.snapshots ?? 0);
  while (Date.now() < deadline && engine.alive) {
    const now = Object.entries(await featureStates(warehouse));
    if (everyTable ? now.every(newer) : now.some(newer)) return true;
    await sleep(100);
  }
  return false;
}
