// `npm run demo`: generates seeded Debezium change events for the shop example, runs every
// pipeline of examples/ecommerce with `streamforge run --once` into ./warehouse, and prints a
// query over the feature tables — the commands a user would type, run through the real CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOrders, generatePageViews, writeLines } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/examples/ecommerce
const repo = resolve(here, '../../..');
const exampleDir = join(repo, 'examples/ecommerce');
const dataDir = join(exampleDir, 'data');
const cli = join(repo, 'dist/engine/cli/main.js');
const warehouse = process.env['STREAMFORGE_WAREHOUSE'] ?? './warehouse';
const START_MS = Date.UTC(2026, 10, 1, 8, 0, 0);

function streamforge(args: string[]): void {
  process.stdout.write(`\n$ streamforge ${args.map((a) => (/[\s*"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 2);
}

async function main(): Promise<void> {
  const orders = join(dataDir, 'orders.jsonl');
  const views = join(dataDir, 'page_views.jsonl');
  if (!existsSync(orders) || !existsSync(views)) {
    mkdirSync(dataDir, { recursive: true });
    process.stdout.write(`generating example change events into ${relative(process.cwd(), dataDir)}/\n`);
    const o = await writeLines(
      orders,
      generateOrders({
        events: 200_000,
        customers: 2_000,
        seed: 42,
        schemaBlock: false,
        startMs: START_MS,
        spanMs: 6 * 3_600_000,
        outOfOrderMs: 4_000,
        lateFraction: 0.001,
      }),
    );
    const v = await writeLines(
      views,
      generatePageViews({ events: 50_000, users: 500, seed: 7, schemaBlock: false, startMs: START_MS, outOfOrderMs: 3_000 }),
    );
    process.stdout.write(`  orders.jsonl: ${o.lines} lines, page_views.jsonl: ${v.lines} lines\n`);
  }
  streamforge(['run', relative(process.cwd(), exampleDir) || '.', '--once', '--warehouse', warehouse]);
  streamforge(['tables', '--warehouse', warehouse]);
  streamforge([
    'query',
    'SELECT customer_id, SUM(orders) AS orders, SUM(spend) AS spend, MAX(max_amount) AS biggest_order ' +
      'FROM features.customer_spend_5m GROUP BY customer_id ORDER BY spend DESC LIMIT 10',
    '--warehouse',
    warehouse,
  ]);
}

await main();
