// The CLI's parse cache (sql/ ParseCache): what node-sql-parser made of each exact statement text,
// kept in one small JSON file per pipeline target under ~/.cache/streamforge/parse, so a `check`
// of unchanged files never loads the library. Files are written by rename, hold only the texts the
// last planning used, carry a checksum and the library's version; anything unreadable is a miss.
// Must never hand back an outcome for a text other than the exact one it was recorded for.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ParseCache, ParseOutcome } from '../../sql/index.js';

const FORMAT = 'streamforge-parse-cache 1';
/** Cache files kept by default; the least recently used beyond this are deleted when a file is written. */
const MAX_FILES = 200;
/** A file is not written beyond this size (every run of such a pipeline parses again). */
const MAX_BYTES = 8 << 20;
const DAY_MS = 86_400_000;

/** Where parse cache files live (XDG_CACHE_HOME or ~/.cache). */
export function parseCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'streamforge', 'parse');
}

let parserKeyMemo: string | undefined;

/** node-sql-parser's version plus its bundle's size and mtime: a different library is a different cache. */
export function parserVersionKey(): string {
  if (parserKeyMemo !== undefined) return parserKeyMemo;
  // one resolve (each walks node_modules directories); package.json sits beside build/
  const bundle = createRequire(import.meta.url).resolve('node-sql-parser/build/postgresql.js');
  const pkg = JSON.parse(readFileSync(join(dirname(bundle), '..', 'package.json'), 'utf8')) as { version?: unknown };
  const st = statSync(bundle);
  parserKeyMemo = `node-sql-parser@${String(pkg.version)}/${st.size}/${Math.trunc(st.mtimeMs)}`;
  return parserKeyMemo;
}

/** First 16 hex digits of the SHA-1 of `s` (names files, checks their contents). */
function digest(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 16);
}

/**
 * True when JSON.stringify + JSON.parse gives back a value deep-equal to `v` with the same
 * prototypes: no undefined, functions, symbols, bigints, non-finite numbers or -0, no sparse
 * arrays, no class instances and no shared or cyclic references.
 */
function jsonExact(v: unknown, seen: Set<object>): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (seen.has(v)) return false;
      seen.add(v);
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonExact(v[i], seen)) return false;
        return Object.keys(v).length === v.length;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype || Object.getOwnPropertySymbols(v).length > 0) return false;
      for (const k of Object.keys(v)) if (k === '__proto__' || !jsonExact((v as Record<string, unknown>)[k], seen)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** One stored entry: [text, 'a', ast] or [text, 'e', offset | null]. */
type Stored = [string, 'a', unknown] | [string, 'e', number | null];

function decode(raw: string, parserKey: string): Map<string, ParseOutcome> {
  const out = new Map<string, ParseOutcome>();
  const nl = raw.indexOf('\n');
  const header = raw.slice(0, nl < 0 ? 0 : nl).split('\t');
  const body = raw.slice(nl + 1);
  if (header.length !== 3 || header[0] !== FORMAT || header[1] !== parserKey || header[2] !== digest(body)) return out;
  const entries: unknown = JSON.parse(body);
  if (!Array.isArray(entries)) return out;
  for (const e of entries as unknown[]) {
    if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'string') return new Map();
    const [text, kind, value] = e as [string, unknown, unknown];
    if (kind === 'a' && value !== null && typeof value === 'object') out.set(text, { kind: 'ast', ast: value });
    else if (kind === 'e' && (value === null || (typeof value === 'number' && Number.isInteger(value))))
      out.set(text, { kind: 'error', offset: value === null ? undefined : value });
    else return new Map();
  }
  return out;
}

export interface FileParseCacheOptions {
  /** Directory of the cache files (parseCacheDir()). */
  readonly dir: string;
  /** node-sql-parser identity (parserVersionKey()). */
  readonly parserKey: string;
  /** Called on the first miss, before the library loads (the CLI warms its code cache there). */
  readonly parserLoading?: () => void;
  /** Files kept in `dir` (default 200). */
  readonly maxFiles?: number;
}

/**
 * The cache of one pipeline target (a file or directory path). Reads its file on open; `save()`
 * after each planning keeps exactly the texts that planning looked up.
 */
export class FileParseCache implements ParseCache {
  readonly file: string;
  private stored: Map<string, ParseOutcome>;
  private readonly used = new Map<string, ParseOutcome>();
  /** Texts whose AST cannot round-trip through JSON: served until the next save, never written. */
  private readonly unstorable = new Set<string>();
  private changed = false;
  hits = 0;
  misses = 0;

  constructor(
    target: string,
    private readonly opts: FileParseCacheOptions,
  ) {
    this.file = join(opts.dir, `${digest(`${resolve(target)}\0${opts.parserKey}`)}.json`);
    let stored = new Map<string, ParseOutcome>();
    try {
      const st = statSync(this.file);
      stored = decode(readFileSync(this.file, 'utf8'), opts.parserKey);
      // keeps a file that is read every day but never rewritten from being evicted as unused
      if (Date.now() - st.mtimeMs > DAY_MS) utimesSync(this.file, new Date(), new Date());
    } catch {
      stored = new Map(); // missing, unreadable or corrupt: every text is a miss
    }
    this.stored = stored;
  }

  get(text: string): ParseOutcome | undefined {
    const hit = this.used.get(text) ?? this.stored.get(text);
    if (hit === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.used.set(text, hit);
    return hit;
  }

  set(text: string, outcome: ParseOutcome): void {
    this.used.set(text, outcome);
    if (outcome.kind === 'ast' && !jsonExact(outcome.ast, new Set())) this.unstorable.add(text);
    this.changed = true;
  }

  parserLoading(): void {
    this.opts.parserLoading?.();
  }

  /**
   * Ends one planning: the texts looked up since the previous save become the cache (memory and,
   * atomically, the file); the file is left alone when it already holds exactly them.
   */
  save(): void {
    const keep = new Map<string, ParseOutcome>();
    for (const [t, o] of this.used) if (!this.unstorable.has(t)) keep.set(t, o);
    const write = this.changed || keep.size !== this.stored.size;
    this.stored = keep;
    this.used.clear();
    this.unstorable.clear();
    this.changed = false;
    if (write) this.write(keep);
  }

  private write(entries: ReadonlyMap<string, ParseOutcome>): void {
    const stored: Stored[] = [];
    for (const [text, o] of entries) stored.push(o.kind === 'ast' ? [text, 'a', o.ast] : [text, 'e', o.offset ?? null]);
    const body = JSON.stringify(stored);
    if (body.length > MAX_BYTES) return;
    try {
      mkdirSync(this.opts.dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${FORMAT}\t${this.opts.parserKey}\t${digest(body)}\n${body}`);
      renameSync(tmp, this.file);
      evictOldest(this.opts.dir, this.opts.maxFiles ?? MAX_FILES);
    } catch {
      // a read-only or full disk: the next run parses again
    }
  }
}

/** Deletes the least recently written files of `dir` beyond `max` (stale temp files included). */
function evictOldest(dir: string, max: number): void {
  const names = readdirSync(dir);
  if (names.length <= max) return;
  const files: { path: string; mtime: number }[] = [];
  for (const name of names) {
    try {
      files.push({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs });
    } catch {
      // removed by a concurrent run
    }
  }
  files.sort((a, b) => a.mtime - b.mtime);
  for (const f of files.slice(0, files.length - max)) {
    try {
      unlinkSync(f.path);
    } catch {
      // already gone
    }
  }
}
