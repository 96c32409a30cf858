// Test input as a .jsonl file would hold it: lines joined with an end of line, split back into
// value offsets by the file source's own splitter ('' and 'null' lines are empty values).
import { splitLines } from '../../engine/connectors/line-split.js';

export function fileOf(lines: readonly string[], eol = '\n', finalNewline = true): { bytes: Buffer; starts: Uint32Array; ends: Uint32Array } {
  const bytes = Buffer.from(lines.length === 0 ? '' : lines.join(eol) + (finalNewline ? eol : ''), 'utf8');
  const raw = splitLines(bytes, bytes.length, true);
  if (raw.starts.length !== lines.length) throw new Error(`fileOf: ${lines.length} lines split into ${raw.starts.length}`);
  return { bytes, starts: raw.starts, ends: raw.ends };
}
