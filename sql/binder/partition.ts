// partition_by of an Iceberg sink: parses `col, year(col), month(col), day(col), hour(col),
// bucket(N, col) | bucket[N](col), truncate(W, col) | truncate[W](col)` and checks each column
// exists in the sink's output and the transform fits its type. Pure string scanning.
import type { PartitionField, PartitionTransform } from '../../catalog/model.js';
import type { DataType, Field } from '../../catalog/types.js';
import { Diagnostics } from '../diagnostic.js';
import { didYouMean } from '../suggest.js';
import type { ResolvedOption } from './options.js';
import { valueSpan } from './options.js';
import { typeToString } from '../types.js';

const TRANSFORMS = ['identity', 'year', 'month', 'day', 'hour', 'bucket', 'truncate'] as const;
const ALIASES: Readonly<Record<string, string>> = { years: 'year', months: 'month', days: 'day', hours: 'hour' };

const SHAPE_HELP =
  'expected a comma-separated list of col, year(col), month(col), day(col), hour(col), bucket(N, col) or truncate(W, col)';

function fits(t: PartitionTransform, type: DataType): boolean {
  const k = type.kind;
  const temporal = k === 'date' || k === 'timestamp' || k === 'timestamptz';
  switch (t.kind) {
    case 'identity':
      return k !== 'json' && k !== 'interval' && k !== 'null';
    case 'year':
    case 'month':
    case 'day':
      return temporal;
    case 'hour':
      return k === 'timestamp' || k === 'timestamptz';
    case 'bucket':
      return k === 'int' || k === 'bigint' || k === 'decimal' || k === 'varchar' || k === 'bytes' || temporal;
    case 'truncate':
      return k === 'int' || k === 'bigint' || k === 'decimal' || k === 'varchar' || k === 'bytes';
  }
}

const transformText = (t: PartitionTransform): string =>
  t.kind === 'bucket' ? `bucket[${t.n}]` : t.kind === 'truncate' ? `truncate[${t.width}]` : t.kind;

/**
 * Parses and validates partition_by against the sink's output fields; invalid items are dropped.
 * A value set from the environment is never quoted in messages: its problems become one error.
 */
export function parsePartitionBy(o: ResolvedOption, fields: readonly Field[], diags: Diagnostics): PartitionField[] {
  if (!o.fromEnv) return parseItems(o, fields, diags);
  const local = new Diagnostics();
  const out = parseItems(o, fields, local);
  if (local.errorCount > 0)
    diags.error('invalid-option-value', `option 'partition_by' (set from the environment) is invalid`, o.ast.valueSpan, {
      notes: [`${local.errorCount} of its items cannot be used with the sink's output columns`],
      help: [SHAPE_HELP],
    });
  return out;
}

function parseItems(o: ResolvedOption, fields: readonly Field[], diags: Diagnostics): PartitionField[] {
  const text = o.value;
  const out: PartitionField[] = [];
  let depth = 0;
  let start = 0;
  const items: { text: string; at: number }[] = [];
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (i === text.length || (c === ',' && depth === 0)) {
      items.push({ text: text.slice(start, i), at: start });
      start = i + 1;
    }
  }
  if (text.trim() === '') return out;
  for (const item of items) {
    const lead = item.text.length - item.text.trimStart().length;
    const s = item.text.trim();
    const at = item.at + lead;
    const bad = (message: string, help: string[] = [SHAPE_HELP]): void => {
      diags.error('invalid-option-value', message, valueSpan(o, at, at + s.length), { help });
    };
    // col | fn(col) | fn(N, col) | fn[N](col)
    const m =
      /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(s) ??
      /^([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(s) ??
      /^([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(\d+)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(s) ??
      /^([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*(\d+)\s*\]\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(s);
    if (!m) {
      bad(`invalid partition_by item '${s}'`);
      continue;
    }
    let fn = 'identity';
    let param: number | undefined;
    let column: string;
    if (m.length === 2) column = m[1]!;
    else if (m[3] === undefined) {
      fn = m[1]!.toLowerCase();
      column = m[2]!;
    } else {
      fn = m[1]!.toLowerCase();
      param = Number(m[2]);
      column = m[3];
    }
    fn = ALIASES[fn] ?? fn;
    if (!(TRANSFORMS as readonly string[]).includes(fn)) {
      bad(`unknown partition transform '${fn}'`, [...didYouMean(fn, TRANSFORMS), SHAPE_HELP]);
      continue;
    }
    const needsParam = fn === 'bucket' || fn === 'truncate';
    if (needsParam !== (param !== undefined)) {
      bad(needsParam ? `partition transform '${fn}' needs a width, e.g. ${fn}(16, ${column})` : `partition transform '${fn}' takes only a column`);
      continue;
    }
    if (param !== undefined && (param < 1 || param > 2147483647)) {
      bad(`${fn} width must be between 1 and 2147483647`);
      continue;
    }
    const transform: PartitionTransform =
      fn === 'bucket' ? { kind: 'bucket', n: param! } : fn === 'truncate' ? { kind: 'truncate', width: param! } : ({ kind: fn } as PartitionTransform);
    const name = column.toLowerCase();
    const colAt = at + s.lastIndexOf(column);
    const field = fields.find((f) => f.name === name);
    if (!field) {
      diags.error('unknown-column', `partition column '${name}' is not an output column of the sink`, valueSpan(o, colAt, colAt + column.length), {
        help: didYouMean(name, fields.map((f) => f.name)),
      });
      continue;
    }
    if (!fits(transform, field.type)) {
      diags.error(
        'type-mismatch',
        `partition transform '${transformText(transform)}' cannot be applied to column '${name}' of type ${typeToString(field.type)}`,
        valueSpan(o, at, at + s.length),
      );
      continue;
    }
    if (out.some((p) => p.column === name && transformText(p.transform) === transformText(transform))) {
      bad(`partition_by lists '${s}' twice`, ['remove the repeated item']);
      continue;
    }
    out.push({ column: name, transform });
  }
  return out;
}
