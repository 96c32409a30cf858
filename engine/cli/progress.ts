// Progress line for long runs (TTY only, rewritten in place on stderr) and the end-of-run summary.
// Formatting only: the numbers come from the pipeline.
import type { Progress, RunSummary } from '../runtime/pipeline.js';
import { formatTimestamp } from '../core/format-value.js';

function fmtWatermark(wm: number): string {
  if (wm === Number.POSITIVE_INFINITY) return 'end';
  if (wm === Number.NEGATIVE_INFINITY) return '-';
  return formatTimestamp(wm);
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** ` | lag ...` (Kafka messages and/or file bytes not read yet), or '' when no source tells. */
function fmtLag(p: Progress): string {
  const parts: string[] = [];
  if (p.lagMessages !== undefined) parts.push(`${p.lagMessages.toLocaleString('en-US')} msgs`);
  if (p.lagBytes !== undefined) parts.push(fmtBytes(p.lagBytes));
  return parts.length > 0 ? ` | lag ${parts.join(' + ')}` : '';
}

export function progressLine(p: Progress, prev: Progress | undefined): string {
  const dt = prev ? p.elapsedMs - prev.elapsedMs : p.elapsedMs;
  const rate = dt > 0 ? Math.round(((p.events - (prev?.events ?? 0)) * 1000) / dt) : 0;
  return (
    `events ${p.events.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s) | watermark ${fmtWatermark(p.watermark)}${fmtLag(p)} | ` +
    `rows committed ${p.rowsCommitted.toLocaleString('en-US')} in ${p.snapshots} snapshots | late ${p.late} | dead-lettered ${p.deadLettered}`
  );
}

export function summaryText(s: RunSummary): string {
  const lines: string[] = [];
  const secs = s.elapsedMs / 1000;
  let events = 0;
  for (const src of s.sources) {
    const m = src.metrics;
    events += m.events;
    lines.push(
      `source ${src.name}: ${m.events.toLocaleString('en-US')} events read, ${m.late} late, ${m.deadLettered} dead-lettered, ` +
        `${m.skipped} skipped, ${m.tombstones} tombstones, ${m.missingBefore} missing_before`,
    );
  }
  for (const k of s.sinks)
    lines.push(
      `sink ${k.name}: ${k.rows.toLocaleString('en-US')} rows written in ${k.commits} snapshots (commit ${k.commitMs.toFixed(0)} ms) -> ${k.target}`,
    );
  for (const d of s.deadLetterTables)
    if (d.rows > 0) lines.push(`dead letters of ${d.source}: ${d.rows} rows -> ${d.target}`);
  const rate = secs > 0 ? Math.round(events / secs) : events;
  lines.push(`done in ${secs.toFixed(2)} s (${rate.toLocaleString('en-US')} events/s)`);
  return lines.join('\n');
}
