// The scenario shared by the MinIO and Kafka restart tests: one long-running engine (commit_interval
// 1s) follows the paced workload; in the middle of the run a stack component is stopped and started
// again; the same engine process must carry on (never exit), catch up with the topics, stop cleanly
// on SIGTERM, leave nothing for a final `--once` to read, and the tables must pass verifyWarehouse.
import { describe, expect, it } from 'vitest';
import { describeStates, featureStates, snapshotCount, waitCaughtUp, waitForNewCommit } from './catch-up.js';
import { runOnce, sourceSummary, startEngine, type EngineProcess } from './engine.js';
import { logger, MIN, newRunId, secs, sleep, SOURCES, workloadSeed } from './env.js';
import type { EndOffsets } from './kafka-offsets.js';
import { componentRuns, restartComponents, useStack, type Component } from './stack.js';
import { verifyWarehouse } from './verify.js';
import { prepareFailureRun, startLongWorkload, waitDelivered, type Delivery, type WorkloadSummary } from './workload.js';

export interface RestartCase {
  /** Log prefix and file name, e.g. 'cdc-minio-restart'. */
  readonly prefix: string;
  /** The component the test is about (its name in the titles). */
  readonly component: Component;
  /** What is stopped, in this order (started again in reverse): the component, maybe with others. */
  readonly stopOrder: readonly Component[];
  /** How long the component stays stopped. */
  readonly downMs: number;
  /** What the engine is expected to do meanwhile (for the test title). */
  readonly expectation: string;
  /**
   * Kafka Connect may re-send events after this restart (Debezium delivers at least once): then the
   * extra events must be exact duplicates, and they are remembered for later runs (history.ts).
   */
  readonly debeziumMayResend: boolean;
}

export function describeComponentRestart(c: RestartCase): void {
  const log = logger(c.prefix);
  const RUN = newRunId(c.component);
  const SEED = workloadSeed();
  const WAREHOUSE = `s3://warehouse/${RUN}`;
  const stack = useStack(log, c.prefix, RUN);

  describe(`${c.component} restarted in the middle of a run: ${c.expectation}`, () => {
    let dir = '';
    let before: EndOffsets;
    let workload: WorkloadSummary | undefined;
    let engine: EngineProcess | undefined;
    let delivery: Delivery | undefined;

    it(`restarts ${c.component} while the engine runs and the workload produces; the same engine process carries on and catches up`, async (ctx) => {
      if (stack.error) return ctx.skip();
      const kafka = stack.kafka!;
      ({ before, dir } = await prepareFailureRun(kafka, RUN, WAREHOUSE, log));

      const e = startEngine('engine', dir, WAREHOUSE);
      engine = e;
      log(`started the engine: node dist/engine/cli/main.js run ${dir} --warehouse ${WAREHOUSE} (pid ${e.pid})`);
      const w = startLongWorkload(RUN, SEED, log);
      const t0 = Date.now();
      // The engine has committed before the fault, and the workload is still producing during it.
      expect(await waitForNewCommit(WAREHOUSE, {}, 2 * MIN, e, true), `both tables have a snapshot before ${c.component} stops\n${e.output()}`).toBe(true);
      await sleep(4000);
      const atStop = await featureStates(WAREHOUSE);
      expect(w.producing(), 'the workload still produces when the component stops').toBe(true);
      log(`engine pid ${e.pid} running ${secs(e.startedAt)}, workload producing for ${secs(t0)}; tables: ${describeStates(atStop)}`);
      const down = await restartComponents(c.stopOrder, c.downMs, log);
      for (const x of c.stopOrder) expect(componentRuns(x), `${x} runs again`).toBe(true);
      expect(e.alive, `the engine survived the ${c.component} restart\n${e.output()}`).toBe(true);
      log(`the engine (pid ${e.pid}) is still running after ${c.component} was unreachable for ${down.toFixed(1)} s`);

      workload = await w.done;
      delivery = await waitDelivered(kafka, RUN, workload, before, log, c.debeziumMayResend);
      const t1 = Date.now();
      await waitCaughtUp(WAREHOUSE, kafka, 5 * MIN, [e]);
      const atEnd = await featureStates(WAREHOUSE);
      log(`the same engine caught up with the topics (${secs(t1)} after delivery): tables ${describeStates(atEnd)}; ` +
        `${snapshotCount(atEnd) - snapshotCount(atStop)} snapshots committed since ${c.component} stopped`);
      expect(snapshotCount(atEnd), 'commits after the restart').toBeGreaterThan(snapshotCount(atStop));
      const warnings = e.stderr.trim();
      log(warnings ? `engine warnings during the run:\n${warnings.split('\n').slice(-10).join('\n')}` : 'the engine printed no warnings');

      const x = await e.stop();
      expect(x.code, `SIGTERM: the engine commits and exits 0\n${e.output()}`).toBe(0);
      log(`SIGTERM: the engine stopped cleanly:\n${e.stdout.trim()}`);
    }, 20 * MIN);

    it('a final `run --once` reads nothing new and only closes the windows still open', async (ctx) => {
      if (stack.error || !workload || engine?.exit?.code !== 0) return ctx.skip();
      const t0 = Date.now();
      const e = await runOnce('final --once', dir, WAREHOUSE);
      log(`final streamforge run --once (${secs(t0)}):\n${e.stdout.trim()}`);
      for (const s of SOURCES) expect(sourceSummary(e.stdout, s)?.read, `${s}: events left for --once`).toBe(0);
    }, 10 * MIN);

    it('the feature tables equal SQL over the databases\' final state (PyIceberg from MinIO), nothing lost or doubled', async (ctx) => {
      if (stack.error || !workload || !delivery || engine?.exit?.code !== 0) return ctx.skip();
      await verifyWarehouse({ warehouse: WAREHOUSE, kafka: stack.kafka!, before, workloadStartMs: workload.startMs, resent: delivery!.resent }, log);
    }, 15 * MIN);
  });
}
