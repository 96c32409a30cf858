// Where the e2e tests find things: repository paths, the native stack's addresses and credentials
// (the defaults of deploy/local/lib.sh, overridable by the same variables), topic names, run ids and
// the `[prefix]` loggers every e2e test prints with. Constants and tiny helpers only: no I/O.
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const LOCAL = resolve(ROOT, 'deploy/local');
export const CLI = resolve(ROOT, 'dist/engine/cli/main.js');
export const PY = resolve(ROOT, '.venv/bin/python');
export const EXAMPLE_DIR = resolve(ROOT, 'examples/cdc-stack');

const env = process.env;
const HOST = env['STREAMFORGE_HOST'] ?? '127.0.0.1';
export const BOOTSTRAP = `${HOST}:${env['STREAMFORGE_KAFKA_PORT'] ?? '19092'}`;
export const S3_ENDPOINT = `http://${HOST}:${env['STREAMFORGE_MINIO_PORT'] ?? '19000'}`;
export const BUCKET = env['STREAMFORGE_BUCKET'] ?? 'warehouse';
/** What the engine needs in its environment to reach MinIO (never printed). */
export const S3_ENV: Readonly<Record<string, string>> = {
  AWS_ENDPOINT_URL: S3_ENDPOINT,
  AWS_ACCESS_KEY_ID: env['MINIO_ROOT_USER'] ?? 'streamforge',
  AWS_SECRET_ACCESS_KEY: env['MINIO_ROOT_PASSWORD'] ?? 'streamforge-secret',
  AWS_REGION: 'us-east-1',
};

/** The Debezium topics examples/cdc-stack reads, by source name. */
export const TOPICS = { orders: 'shop_pg.public.orders', payments: 'shop_my.shop.payments' } as const;
export type SourceName = keyof typeof TOPICS;
export const SOURCES: readonly SourceName[] = ['orders', 'payments'];
/** Topics of the workload's sentinel rows (workload_runs in both databases). */
export const MARK_TOPICS: readonly string[] = ['shop_pg.public.workload_runs', 'shop_my.shop.workload_runs'];
/** The feature tables of examples/cdc-stack and the source each one reads. */
export const FEATURE_TABLES = { orders: 'features.customer_spend_5m', payments: 'features.payment_volume_5m' } as const;

export const MIN = 60_000;
/** STREAMFORGE_E2E_REQUIRE=1: a stack that cannot start fails the suite instead of skipping it. */
export const REQUIRE = env['STREAMFORGE_E2E_REQUIRE'] === '1';

/** A fresh id for one test file's run: names its warehouse prefix and its sentinel rows. */
export function newRunId(tag: string): string {
  return `e2e-${tag}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

/** The workload seed: STREAMFORGE_E2E_SEED, else derived from the clock (printed by every test). */
export function workloadSeed(): number {
  return Number(env['STREAMFORGE_E2E_SEED'] ?? '') || (Date.now() % 100_000) + 1;
}

export type Log = (msg: string) => void;

export function logger(prefix: string): Log {
  return (msg) => console.log(`[${prefix}] ${msg}`);
}

export const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
