// Opens (and caches) the object store of each warehouse a pipeline names: a local directory, or
// s3://bucket/prefix through an injected opener. Resolution of warehouse strings only.
import { resolve } from 'node:path';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { EngineError } from '../core/errors.js';

/** Opens (and caches) the object store of a warehouse: a directory, or s3://bucket/prefix. */
export class Warehouses {
  private readonly stores = new Map<string, ObjectStore>();

  constructor(
    readonly defaultWarehouse: string,
    private readonly openS3?: (uri: string) => ObjectStore,
  ) {}

  open(warehouse: string | undefined): ObjectStore {
    const w = warehouse ?? this.defaultWarehouse;
    const key = w.startsWith('s3://') ? w.replace(/\/+$/, '') : resolve(w.startsWith('file://') ? w.slice(7) : w);
    let store = this.stores.get(key);
    if (!store) {
      if (key.startsWith('s3://')) {
        if (!this.openS3) throw new EngineError('config', `warehouse '${w}': s3:// warehouses are not available in this build`);
        store = this.openS3(key);
      } else {
        store = new FsStore(key);
      }
      this.stores.set(key, store);
    }
    return store;
  }
}

