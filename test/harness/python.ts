// The Python side of the real-reader checks: the venv interpreter, read_table.py, and whether
// PyIceberg, PyArrow and DuckDB are importable there (tests skip with a message when not).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
export const PY = join(REPO, '.venv/bin/python');
export const READ_TABLE = join(REPO, 'test/python/read_table.py');
export const INSTALL_HINT = "python3 -m venv .venv && .venv/bin/pip install 'pyiceberg[pyarrow]==0.12.0' duckdb";

export const PY_READY = (() => {
  if (!existsSync(PY)) return false;
  try {
    execFileSync(PY, ['-c', 'import pyiceberg, pyarrow, duckdb'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Print why `what` is skipped when the Python readers are missing. */
export function warnIfNoPython(what: string): void {
  if (!PY_READY) console.warn(`SKIPPED ${what}: needs .venv/bin/python with pyiceberg, pyarrow and duckdb (${INSTALL_HINT})`);
}
