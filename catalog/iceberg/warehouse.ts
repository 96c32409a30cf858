// Table discovery in a warehouse: every <namespace>/<table> that has metadata/v<N>.metadata.json.
// Listing only; loading a table's metadata is table.ts's job. With listPrefixes (S3, directories)
// it lists namespaces, then tables, then each table's metadata/v* keys, never the data files.
import type { ObjectStore } from '../store/object-store.js';

export interface TableRef {
  readonly namespace: string;
  readonly name: string;
}

const METADATA_KEY_RE = /^([^/]+)\/([^/]+)\/metadata\/v\d+\.metadata\.json$/;
/** Tables whose metadata listings run at once. */
const LIST_CONCURRENCY = 8;

const byName = (a: TableRef, b: TableRef): number =>
  a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1;

/** Tables of the warehouse, sorted by namespace then name. */
export async function listTables(store: ObjectStore): Promise<TableRef[]> {
  const seen = new Map<string, TableRef>();
  const note = (key: string): void => {
    const m = METADATA_KEY_RE.exec(key);
    if (m) seen.set(`${m[1]}/${m[2]}`, { namespace: m[1]!, name: m[2]! });
  };
  if (!store.listPrefixes) {
    for (const key of await store.list('')) note(key);
    return [...seen.values()].sort(byName);
  }
  const listPrefixes = store.listPrefixes.bind(store);
  const tableDirs = (await Promise.all((await listPrefixes('')).map((ns) => listPrefixes(ns)))).flat();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tableDirs.length) {
      const dir = tableDirs[next++]!;
      for (const key of await store.list(`${dir}metadata/v`)) note(key);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, tableDirs.length) }, worker));
  return [...seen.values()].sort(byName);
}
