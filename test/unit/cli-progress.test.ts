// The progress line a long run shows on a terminal: events and rate, watermark, lag (Kafka
// messages behind the high-water marks, file bytes not read yet), commits, late, dead letters.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../engine/cli/progress.js';
import type { Progress } from '../../engine/runtime/pipeline.js';

const base: Progress = { elapsedMs: 2000, events: 3000, watermark: Number.NEGATIVE_INFINITY, rowsCommitted: 10, snapshots: 1, late: 2, deadLettered: 1 };

describe('progress line', () => {
  it('shows the lag of the sources that tell it, in their units', () => {
    const prev = { ...base, elapsedMs: 1000, events: 1000 };
    expect(progressLine({ ...base, lagMessages: 12345, lagBytes: 3 * 1024 * 1024 }, prev)).toBe(
      'events 3,000 (2,000/s) | watermark - | lag 12,345 msgs + 3.0 MB | rows committed 10 in 1 snapshots | late 2 | dead-lettered 1',
    );
    expect(progressLine({ ...base, lagBytes: 0 }, prev)).toContain('| lag 0 B |');
    expect(progressLine(base, prev)).not.toContain('lag');
  });
});
