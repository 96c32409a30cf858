// `streamforge tables`: lists the Iceberg tables of a warehouse with their snapshot count, row
// count and current metadata file. Reads metadata only.
import { listTables, loadTable } from '../../catalog/index.js';
import type { Warehouses } from '../runtime/warehouses.js';

export async function tablesCommand(warehouses: Warehouses): Promise<number> {
  const store = warehouses.open(undefined);
  const refs = await listTables(store);
  if (refs.length === 0) {
    process.stdout.write(`no tables in ${store.rootUri}\n`);
    return 0;
  }
  const rows: string[][] = [['table', 'snapshots', 'rows', 'data files', 'metadata']];
  for (const r of refs) {
    const t = await loadTable(store, r.namespace, r.name);
    if (!t) continue;
    const s = t.currentSnapshot?.summary;
    rows.push([
      t.qualifiedName,
      String(t.snapshots.length),
      s?.['total-records'] ?? '0',
      s?.['total-data-files'] ?? '0',
      t.metadataUri,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
  return 0;
}
