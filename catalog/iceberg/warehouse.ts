// Table discovery in a warehouse: every <namespace>/<table> that has metadata/v<N>.metadata.json.
// Listing only; loading a table's metadata is table.ts's job.
import type { ObjectStore } from '../store/object-store.js';

export interface TableRef {
  readonly namespace: string;
  readonly name: string;
}

const METADATA_KEY_RE = /^([^/]+)\/([^/]+)\/metadata\/v\d+\.metadata\.json$/;

/** Tables of the warehouse, sorted by namespace then name. */
export async function listTables(store: ObjectStore): Promise<TableRef[]> {
  const seen = new Map<string, TableRef>();
  for (const key of await store.list('')) {
    const m = METADATA_KEY_RE.exec(key);
    if (m) seen.set(`${m[1]}/${m[2]}`, { namespace: m[1]!, name: m[2]! });
  }
  return [...seen.values()].sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1,
  );
}
