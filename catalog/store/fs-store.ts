// ObjectStore over a local directory (tests, examples, the embedded default warehouse).
// put = temp file + rename; putIfAbsent = temp file + link (EEXIST means someone else won).
// It must not interpret keys beyond '/'-separated paths, and never follows '..' out of the root.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ObjectStoreError, type ObjectStore } from './object-store.js';

const TEMP_RE = /^\..+\.tmp-[0-9a-f]{16}$/;

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export class FsStore implements ObjectStore {
  readonly rootDir: string;
  readonly rootUri: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
    this.rootUri = 'file://' + this.rootDir.split(path.sep).join('/');
  }

  uri(key: string): string {
    return this.rootUri + '/' + key;
  }

  localPath(key: string): string {
    return this.filePath(key);
  }

  /** Absolute file path of a key; rejects keys that could escape the root. */
  filePath(key: string): string {
    if (key === '' || key.startsWith('/') || key.includes('\\'))
      throw new ObjectStoreError(`invalid object key '${key}'`, key);
    for (const seg of key.split('/')) {
      if (seg === '' || seg === '.' || seg === '..')
        throw new ObjectStoreError(`invalid object key '${key}' (empty, '.' or '..' segment)`, key);
    }
    return path.join(this.rootDir, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.filePath(key);
    try {
      const buf = await fs.readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return undefined;
      throw new ObjectStoreError(`cannot read ${file}: ${(e as Error).message}`, key, { cause: e });
    }
  }

  async put(key: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const file = this.filePath(key);
    const tmp = await this.writeTemp(key, file, data);
    try {
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new ObjectStoreError(`cannot write ${file}: ${(e as Error).message}`, key, { cause: e });
    }
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const file = this.filePath(key);
    const tmp = await this.writeTemp(key, file, data);
    try {
      await fs.link(tmp, file);
      return true;
    } catch (e) {
      if (errCode(e) === 'EEXIST') return false;
      throw new ObjectStoreError(`cannot create ${file}: ${(e as Error).message}`, key, { cause: e });
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash < 0 ? '' : prefix.slice(0, slash);
    const startDir = dirKey === '' ? this.rootDir : this.filePath(dirKey);
    const out: string[] = [];
    await this.walk(startDir, dirKey, prefix, out);
    out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return out;
  }

  /** Subdirectories of the directory `prefix` names ('' or ending in '/'), as keys ending in '/' (empty ones too). */
  async listPrefixes(prefix: string): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/'))
      throw new ObjectStoreError(`listPrefixes needs '' or a prefix ending in '/', got '${prefix}'`, prefix);
    const dirKey = prefix.slice(0, -1);
    const dir = dirKey === '' ? this.rootDir : this.filePath(dirKey);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return [];
      throw new ObjectStoreError(`cannot list ${dir}: ${(e as Error).message}`, dirKey, { cause: e });
    }
    const out = entries.filter((ent) => ent.isDirectory()).map((ent) => prefix + ent.name + '/');
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const file = this.filePath(key);
    try {
      await fs.rm(file, { force: true });
    } catch (e) {
      throw new ObjectStoreError(`cannot delete ${file}: ${(e as Error).message}`, key, { cause: e });
    }
  }

  /** Parts are written one by one (writeFile takes an iterable of chunks): never joined in memory. */
  private async writeTemp(key: string, file: string, data: Uint8Array | readonly Uint8Array[]): Promise<string> {
    const dir = path.dirname(file);
    const tmp = path.join(dir, `.${path.basename(file)}.tmp-${randomBytes(8).toString('hex')}`);
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(tmp, data);
      return tmp;
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new ObjectStoreError(`cannot write ${file}: ${(e as Error).message}`, key, { cause: e });
    }
  }

  private async walk(dir: string, dirKey: string, prefix: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return;
      throw new ObjectStoreError(`cannot list ${dir}: ${(e as Error).message}`, dirKey, { cause: e });
    }
    for (const ent of entries) {
      const key = dirKey === '' ? ent.name : dirKey + '/' + ent.name;
      if (ent.isDirectory()) {
        // Descend only where keys below could still start with the prefix.
        const sub = key + '/';
        if (sub.startsWith(prefix) || prefix.startsWith(sub)) await this.walk(path.join(dir, ent.name), key, prefix, out);
      } else if (ent.isFile() && key.startsWith(prefix) && !TEMP_RE.test(ent.name)) {
        out.push(key);
      }
    }
  }
}
