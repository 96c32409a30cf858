// Opens (and caches) the object store of each warehouse a pipeline names: a local directory, or
// s3://bucket/prefix through an injected opener, with the `s3.*` options its sinks give (merged per
// warehouse; the AWS_* environment fills the rest). Resolution of warehouse strings only.
import { resolve } from 'node:path';
import type { SinkDef } from '../../catalog/model.js';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { pickS3WithOptions, S3ConfigError, s3StoreOptionsFromWith, type S3StoreOptions } from '../../catalog/store/s3-config.js';
import { EngineError } from '../core/errors.js';

/** Opens an s3:// warehouse; `options` come from the sinks' WITH clauses (empty: environment only). */
export type S3Opener = (uri: string, options: S3StoreOptions) => ObjectStore;

interface S3Settings {
  /** `s3.*` option -> value (after `${ENV}` substitution: never printed). */
  readonly values: Record<string, string>;
  /** Which sink gave each option, for conflict messages. */
  readonly from: Map<string, string>;
}

/** Opens (and caches) the object store of a warehouse: a directory, or s3://bucket/prefix. */
export class Warehouses {
  private readonly stores = new Map<string, ObjectStore>();
  private readonly s3 = new Map<string, S3Settings>();

  constructor(
    readonly defaultWarehouse: string,
    private readonly openS3?: S3Opener,
  ) {}

  /**
   * The warehouses `query`/`tables` read, for a pipeline's sinks: `flag` (--warehouse) when given,
   * else the one warehouse the Iceberg sinks name (none named: './warehouse'; several: an error
   * asking for --warehouse); configured with the sinks' s3.* options.
   */
  static forReading(flag: string | undefined, sinks: readonly SinkDef[], openS3?: S3Opener): Warehouses {
    let chosen = flag;
    if (chosen === undefined) {
      const named = new Warehouses('./warehouse');
      const keys = [...new Set(sinks.filter((s) => s.connector === 'iceberg' && s.warehouse !== undefined).map((s) => named.keyOf(s.warehouse)))];
      if (keys.length > 1)
        throw new EngineError('config', `the pipeline's sinks write to ${keys.length} warehouses (${keys.join(', ')}): choose one with --warehouse`);
      chosen = keys[0];
    }
    const warehouses = new Warehouses(chosen ?? './warehouse', openS3);
    warehouses.configure(sinks);
    return warehouses;
  }

  /** The cache key of a warehouse string: 's3://bucket/prefix' without trailing '/', or an absolute path. */
  keyOf(warehouse: string | undefined): string {
    const w = warehouse ?? this.defaultWarehouse;
    return w.startsWith('s3://') ? w.replace(/\/+$/, '') : resolve(w.startsWith('file://') ? w.slice(7) : w);
  }

  /**
   * Registers the `s3.*` options of Iceberg sinks under the warehouse each writes to (its own, or
   * the default). Sinks sharing a warehouse share its store, so their options merge; two different
   * values for one option are a configuration error. Options of sinks on local warehouses are
   * ignored. Call before open(): stores opened earlier keep their settings.
   */
  configure(sinks: readonly SinkDef[]): void {
    for (const sink of sinks) {
      if (sink.connector !== 'iceberg') continue;
      const key = this.keyOf(sink.warehouse);
      if (!key.startsWith('s3://')) continue;
      const given = pickS3WithOptions(sink.options);
      const settings = this.s3.get(key) ?? { values: {}, from: new Map<string, string>() };
      for (const [option, value] of Object.entries(given)) {
        const had = settings.values[option];
        if (had !== undefined && had !== value)
          throw new EngineError(
            'config',
            `sinks '${settings.from.get(option)}' and '${sink.name}' write to warehouse '${key}' with different values ` +
              `of option '${option}'; sinks sharing a warehouse need the same s3.* options`,
          );
        settings.values[option] = value;
        settings.from.set(option, sink.name);
      }
      this.s3.set(key, settings);
    }
  }

  open(warehouse: string | undefined): ObjectStore {
    const w = warehouse ?? this.defaultWarehouse;
    const key = this.keyOf(warehouse);
    let store = this.stores.get(key);
    if (!store) {
      if (key.startsWith('s3://')) {
        if (!this.openS3) throw new EngineError('config', `warehouse '${w}': s3:// warehouses are not available in this build`);
        try {
          store = this.openS3(key, s3StoreOptionsFromWith(this.s3.get(key)?.values ?? {}));
        } catch (e) {
          if (e instanceof S3ConfigError)
            throw new EngineError('config', e.message.includes(key) ? e.message : `warehouse '${key}': ${e.message}`);
          throw e;
        }
      } else {
        store = new FsStore(key);
      }
      this.stores.set(key, store);
    }
    return store;
  }
}
