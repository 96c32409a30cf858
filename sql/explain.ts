// Deterministic EXPLAIN text for a plan: one numbered line per node, children indented with
// dashes, `Name: k=v, ...` per node, e.g.
//   01)SinkWrite: sink=totals, connector=iceberg, table=default.totals, format=append, ...
//   02)--WindowAggregate: window=tumble(1m), time=ts@2, keys=[], aggs=[count(*)]
//   03)----SourceScan: source=orders, connector=file, changelog=retract, ..., used=[...]
// Used by the CLI and the golden tests. Pure.
import type { PartitionField } from '../catalog/model.js';
import { formatMicros } from './durations.js';
import { formatAggregate, formatExpr } from './plan/expr-utils.js';
import type { LogicalPlan, WindowSpec } from './plan/logical-plan.js';
import { inputOf } from './plan/rewrite.js';

export function formatWindow(w: WindowSpec): string {
  switch (w.kind) {
    case 'tumble':
      return `tumble(${formatMicros(w.size)})`;
    case 'hop':
      return `hop(slide=${formatMicros(w.slide)}, size=${formatMicros(w.size)})`;
    case 'session':
      return `session(gap=${formatMicros(w.gap)})`;
  }
}

const partition = (p: PartitionField): string => {
  const t = p.transform;
  switch (t.kind) {
    case 'identity':
      return p.column;
    case 'bucket':
      return `bucket[${t.n}](${p.column})`;
    case 'truncate':
      return `truncate[${t.width}](${p.column})`;
    default:
      return `${t.kind}(${p.column})`;
  }
};

/** `Name: k=v, ...` for one node. */
export function describeNode(p: LogicalPlan): string {
  switch (p.kind) {
    case 'sink-write': {
      const s = p.sink;
      const parts = [`sink=${s.name}`, `connector=${s.connector}`];
      // the warehouse location is not shown: it may come from the environment
      if (s.connector === 'iceberg') parts.push(`table=${s.namespace}.${s.table}`);
      parts.push(`format=${s.format}`);
      if (s.connector === 'iceberg') {
        if (s.partitionBy.length > 0) parts.push(`partition_by=[${s.partitionBy.map(partition).join(', ')}]`);
        parts.push(`commit_interval=${formatMicros(s.commitIntervalMs * 1000)}`);
      }
      return `SinkWrite: ${parts.join(', ')}`;
    }
    case 'project': {
      const items = p.exprs.map((e, i) => {
        const name = p.schema.fields[i]!.name;
        const text = formatExpr(e);
        return e.kind === 'column' && e.name === name ? text : `${text} AS ${name}`;
      });
      return `Project: ${items.join(', ')}`;
    }
    case 'filter':
      return `Filter: ${formatExpr(p.predicate)}`;
    case 'window-assign':
      return `WindowAssign: window=${formatWindow(p.window)}, time=${columnName(p.input, p.timeColumn)}`;
    case 'window-aggregate':
      return (
        `WindowAggregate: window=${formatWindow(p.window)}, time=${columnName(p.input, p.timeColumn)}, ` +
        `keys=[${p.groupKeys.map((k) => formatExpr(k)).join(', ')}], aggs=[${p.aggregates.map((a) => formatAggregate(a)).join(', ')}]`
      );
    case 'source-scan': {
      const s = p.source;
      const parts = [`source=${s.name}`, `connector=${s.connector}`, `changelog=${s.changelog}`];
      if (s.watermark) {
        const col = columnName(p, s.watermark.column);
        parts.push(`watermark=${s.watermark.delayMicros === 0 ? col : `${col} - ${formatMicros(s.watermark.delayMicros)}`}`);
      }
      if (s.primaryKey.length > 0) parts.push(`key=[${s.primaryKey.map((k) => columnName(p, k)).join(', ')}]`);
      parts.push(`used=[${p.usedColumns.map((c) => columnName(p, c)).join(', ')}]`);
      return `SourceScan: ${parts.join(', ')}`;
    }
  }
}

const columnName = (p: LogicalPlan, i: number): string => `${p.schema.fields[i]?.name ?? '?'}@${i}`;

export function explain(plan: LogicalPlan): string {
  const lines: string[] = [];
  for (let node: LogicalPlan | undefined = plan; node; node = inputOf(node)) lines.push(describeNode(node));
  const width = Math.max(2, String(lines.length).length);
  return lines.map((l, i) => `${String(i + 1).padStart(width, '0')})${'--'.repeat(i)}${l}`).join('\n');
}
