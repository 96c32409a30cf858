// Failure case on the real stack: the engine is killed with SIGKILL (kill -9) at random points and
// restarted, at least 5 times while the paced workload produces (long-running `streamforge run`,
// commit_interval 1s) and twice more during `--once` runs; a clean `--once` then drains. The feature
// tables must still equal SQL over the databases' final state: nothing lost, nothing doubled.
// Run: npx vitest run --config /dev/null --dir test/e2e cdc-kill9   (needs the stack; see test/README.md)
import { describe, expect, it } from 'vitest';
import { describeStates, featureStates, snapshotCount, waitForNewCommit } from './harness/catch-up.js';
import { EngineProcess, runOnce, sourceSummary, startEngine } from './harness/engine.js';
import { logger, MIN, newRunId, secs, sleep, SOURCES, workloadSeed } from './harness/env.js';
import type { EndOffsets } from './harness/kafka-offsets.js';
import { useStack } from './harness/stack.js';
import { verifyWarehouse } from './harness/verify.js';
import { prepareFailureRun, startLongWorkload, waitDelivered, type WorkloadSummary } from './harness/workload.js';

const log = logger('cdc-kill9');
const RUN = newRunId('kill9');
const SEED = workloadSeed();
const WAREHOUSE = `s3://warehouse/${RUN}`;
const MIN_KILLS = 5;
const stack = useStack(log, 'cdc-kill9', RUN);

/** A random delay in [lo, hi) ms. */
const between = (lo: number, hi: number): number => Math.round(lo + Math.random() * (hi - lo));

describe('kill -9 of the engine at random points, restarted each time: nothing lost or doubled', () => {
  let dir = '';
  let before: EndOffsets;
  let workload: WorkloadSummary | undefined;

  it('kills the long-running engine at random points while the workload produces, restarting it each time', async (ctx) => {
    if (stack.error) return ctx.skip();
    const kafka = stack.kafka!;
    ({ before, dir } = await prepareFailureRun(kafka, RUN, WAREHOUSE, log));

    const w = startLongWorkload(RUN, SEED, log);
    const t0 = Date.now();
    let kills = 0;
    let starts = 0;
    let killsAfterCommits = 0;
    // Keep killing until the workload is over and at least MIN_KILLS kills hit a running engine.
    while (w.producing() || kills < MIN_KILLS) {
      const atStart = await featureStates(WAREHOUSE);
      const e = startEngine(`engine #${++starts}`, dir, WAREHOUSE);
      // Odd kills: a random moment of the run (start-up and restore included). Even kills: a random
      // moment of the commit cycle after the engine's first commit (interval 1 s), so commits
      // themselves are hit too and the restarted engines make progress.
      let when: string;
      if (starts % 2 === 1) {
        const delay = between(500, 5000);
        await Promise.race([sleep(delay), e.exited]);
        when = `${(delay / 1000).toFixed(2)} s into its run`;
      } else {
        const committed = await waitForNewCommit(WAREHOUSE, atStart, 30_000, e);
        const extra = between(0, 1200);
        await Promise.race([sleep(extra), e.exited]);
        when = `${(e.uptimeMs / 1000).toFixed(2)} s into its run, ${extra} ms after ${committed ? 'its first commit' : 'waiting 30 s for a commit'}`;
      }
      if (!e.alive) throw new Error(`the long-running engine exited by itself: ${e.describeExit()}\n${e.output()}`);
      expect(e.kill9()).toBe(true);
      await e.exited;
      kills++;
      const states = await featureStates(WAREHOUSE);
      const progressed = snapshotCount(states) > snapshotCount(atStart);
      if (progressed) killsAfterCommits++;
      log(`kill -9 #${kills}: pid ${e.pid} ${when} (workload ${w.producing() ? 'producing' : 'done'}); ` +
        `tables now: ${describeStates(states)}${progressed ? '' : ' (no commit during its run)'}`);
      expect(e.exit?.signal, 'the engine died of SIGKILL').toBe('SIGKILL');
    }
    workload = await w.done;
    log(`${kills} kills of ${starts} engine processes in ${secs(t0)}; ${killsAfterCommits} of the killed engines had committed during their run`);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(killsAfterCommits, 'killed engines that had committed').toBeGreaterThanOrEqual(2);
    await waitDelivered(kafka, RUN, workload, before, log);
  }, 20 * MIN);

  it('kills two `run --once` drains at random points, then a clean `--once` finishes', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    for (let i = 1; i <= 2; i++) {
      const e = new EngineProcess(`--once #${i}`, ['run', dir, '--once', '--warehouse', WAREHOUSE]);
      const delay = between(500, 3000);
      await Promise.race([sleep(delay), e.exited]);
      const killed = e.kill9();
      await e.exited;
      if (!killed && e.exit?.code !== 0) throw new Error(`run --once failed: ${e.describeExit()}\n${e.output()}`);
      log(killed
        ? `kill -9 of run --once #${i} (pid ${e.pid}) after ${(delay / 1000).toFixed(2)} s; tables now: ${describeStates(await featureStates(WAREHOUSE))}`
        : `run --once #${i} finished before its kill at ${(delay / 1000).toFixed(2)} s`);
    }
    const t0 = Date.now();
    const e = await runOnce('final --once', dir, WAREHOUSE);
    log(`final streamforge run --once (${secs(t0)}):\n${e.stdout.trim()}`);
    for (const s of SOURCES) expect(sourceSummary(e.stdout, s), `summary of ${s}`).toBeDefined();
  }, 10 * MIN);

  it('the feature tables equal SQL over the databases\' final state (PyIceberg from MinIO), nothing lost or doubled', async (ctx) => {
    if (stack.error || !workload) return ctx.skip();
    await verifyWarehouse({ warehouse: WAREHOUSE, kafka: stack.kafka!, before, workloadStartMs: workload.startMs }, log);
  }, 15 * MIN);
});
