// Failure case on the real stack: two long-running engines started at once on the same pipelines and
// warehouse while the workload produces, each restarted when it stops. A commit is a conditional PUT
// (If-None-Match: *) of the next metadata version: one engine wins each version, a loser exits 2 with
// the conflict error and leaves the table intact; the tables must equal the databases' final state.
// Run: npx vitest run --config /dev/null --dir test/e2e cdc-two-engines   (needs the stack; see test/README.md)
import { describe, expect, it } from 'vitest';
import { describeStates, featureStates } from './harness/catch-up.js';
import { EngineProcess, runOnce, startEngine } from './harness/engine.js';
import { logger, MIN, newRunId, secs, sleep, workloadSeed } from './harness/env.js';
import type { EndOffsets } from './harness/kafka-offsets.js';
import { useStack } from './harness/stack.js';
import { verifyWarehouse } from './harness/verify.js';
import { prepareFailureRun, startLongWorkload, waitDelivered, type WorkloadSummary } from './harness/workload.js';

const log = logger('cdc-two-engines');
const RUN = newRunId('two');
const SEED = workloadSeed();
const WAREHOUSE = `s3://warehouse/${RUN}`;
const stack = useStack(log, 'cdc-two-engines', RUN);
/** What a losing engine prints (engine/sinks/iceberg-sink.ts) before it exits with code 2. */
const CONFLICT = /another writer committed to table '([\w.]+)' \(version (\d+)\)/;

/** Exit 0, or exit 2 with the commit-conflict message: anything else is a failure of the engine. */
function conflictOf(e: EngineProcess): string | undefined {
  const m = CONFLICT.exec(e.stderr);
  if (e.exit?.code === 2 && m) return `${m[1]} v${m[2]}`;
  if (e.exit?.code === 0) return undefined;
  throw new Error(`${e.label} stopped with something else than a commit conflict: ${e.describeExit()}\n${e.output()}`);
}

describe('two engines on the same pipelines and warehouse: one commit per version wins, the tables stay correct', () => {
  let dir = '';
  let before: EndOffsets;
  let workload: WorkloadSummary | undefined;
  const conflicts: string[] = [];

  it('runs two long-running engines at once, restarting whichever loses a commit, while the workload produces', async (ctx) => {
    if (stack.error) return ctx.skip();
    const kafka = stack.kafka!;
    ({ before, dir } = await prepareFailureRun(kafka, RUN, WAREHOUSE, log));

    const w = startLongWorkload(RUN, SEED, log);
    let starts = 0;
    const engines = ['A', 'B'].map((n) => startEngine(`engine ${n}#${++starts}`, dir, WAREHOUSE));
    log(`started two engines at once: pids ${engines.map((e) => e.pid).join(' and ')} (node dist/engine/cli/main.js run ${dir} --warehouse ${WAREHOUSE})`);
    const t0 = Date.now();
    // Supervise until the workload is over and both engines run side by side for a while longer.
    let quietSince = 0;
    while (w.producing() || Date.now() - quietSince < 8000) {
      await Promise.race([sleep(250), ...engines.map((e) => e.exited)]);
      for (let i = 0; i < engines.length; i++) {
        const e = engines[i]!;
        if (e.alive) continue;
        const lost = conflictOf(e);
        if (lost === undefined) throw new Error(`${e.label} exited 0 on its own in long-running mode\n${e.output()}`);
        conflicts.push(lost);
        log(`${e.label} (pid ${e.pid}) lost the commit of ${lost} after ${secs(e.startedAt)} and exited 2; tables: ${describeStates(await featureStates(WAREHOUSE))}; restarting it`);
        engines[i] = startEngine(`engine ${'AB'[i]}#${++starts}`, dir, WAREHOUSE);
      }
      if (w.producing()) quietSince = Date.now();
    }
    workload = await w.done;
    await waitDelivered(kafka, RUN, workload, before, log);
    log(`${conflicts.length} commit conflicts in ${secs(t0)} (${starts} engine processes); stopping both engines with SIGTERM`);
    const last = await Promise.all(engines.map(async (e) => (await e.stop(), e)));
    for (const e of last) {
      const lost = conflictOf(e);
      if (lost) conflicts.push(lost);
      log(`${e.label} stopped: ${lost ? `lost its final commit of ${lost}` : 'exit 0 after its final commit'}`);
    }
    expect(conflicts.length, 'the two engines collided on at least one metadata version').toBeGreaterThan(0);
  }, 20 * MIN);

  it('two `run --once` started at once, then a clean `--once` drains', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    const pair = ['C', 'D'].map((n) => new EngineProcess(`--once ${n}`, ['run', dir, '--once', '--warehouse', WAREHOUSE]));
    await Promise.all(pair.map((e) => e.wait(10 * MIN)));
    for (const e of pair) {
      const lost = conflictOf(e);
      if (lost) conflicts.push(lost);
      log(`${e.label}: ${lost ? `lost the commit of ${lost} (exit 2)` : 'exit 0'}`);
    }
    const t0 = Date.now();
    const e = await runOnce('final --once', dir, WAREHOUSE);
    log(`final streamforge run --once (${secs(t0)}):\n${e.stdout.trim()}`);
  }, 15 * MIN);

  it('the feature tables equal SQL over the databases\' final state (PyIceberg from MinIO), nothing lost or doubled', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    const v = await verifyWarehouse({ warehouse: WAREHOUSE, kafka: stack.kafka!, before, workloadStartMs: workload.startMs }, log);
    log(`${conflicts.length} lost commits in all (${conflicts.join(', ')}); every table's versions form one chain of single-snapshot commits`);
    for (const [t, h] of v.histories) expect(h.snapshots, `${t}: one snapshot per version after v1`).toBe(h.versions - 1);
  }, 15 * MIN);
});
