// Whether a run's input looks large enough for the decode thread to be worth starting early:
// a Kafka source, or a file source of at least EARLY_BYTES. Only stats files; reads nothing.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceDef } from '../../catalog/model.js';

/** Input from which the thread is started before the first batch (it decodes batches of 64 KB+). */
const EARLY_BYTES = 1 << 20;

export function expectsLargeInput(sources: readonly SourceDef[]): boolean {
  return sources.some((def) => {
    if (def.connector === 'kafka') return true;
    const path = def.options['path'];
    if (path === undefined) return false;
    try {
      return statSync(resolve(def.baseDir, path)).size >= EARLY_BYTES;
    } catch {
      return false; // the reader reports a missing file when it opens it
    }
  });
}
