// What the e2e tests remember about the stack's topics between runs: the offsets of change events
// Debezium delivered twice (seen after a Kafka restart under Kafka Connect). A later run's fresh
// warehouse reads them again, so windows of earlier runs cannot be compared with the databases then.
// Kept in the stack's run dir (deleted with it by down.sh --purge, like the topics); nothing else.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const FILE = join(process.env['STREAMFORGE_STACK_DIR'] ?? join(homedir(), '.cache/streamforge/stack'), 'e2e-resent-offsets.json');

type Resent = Record<string, number[]>;

function load(): Resent {
  try {
    return JSON.parse(readFileSync(FILE, 'utf8')) as Resent;
  } catch {
    return {};
  }
}

/** Remembers that these offsets of `topic` hold events Debezium had delivered before. */
export function recordResent(topic: string, offsets: Iterable<number>): void {
  const all = load();
  all[topic] = [...new Set([...(all[topic] ?? []), ...offsets])].sort((a, b) => a - b);
  mkdirSync(dirname(FILE), { recursive: true });
  writeFileSync(FILE, JSON.stringify(all));
}

/** How many re-sent events the topic holds below `offset` (earlier runs' history). */
export function resentBelow(topic: string, offset: number): number {
  return (load()[topic] ?? []).filter((o) => o < offset).length;
}
