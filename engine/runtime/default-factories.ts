// The production wiring of sources and sinks: file/Kafka readers, Iceberg/console writers and
// dead-letter tables over warehouses opened by URI. Chooses implementations; holds no logic of them.
import { resolve } from 'node:path';
import type { SinkDef, SourceDef } from '../../catalog/model.js';
import type { Schema } from '../../catalog/types.js';
import type { SinkWriter } from '../connectors/sink.js';
import type { SourceReader } from '../connectors/source.js';
import { FileSourceReader } from '../connectors/file-source.js';
import { EngineError } from '../core/errors.js';
import { ConsoleSink } from '../sinks/console-sink.js';
import { IcebergSink } from '../sinks/iceberg-sink.js';
import { DEAD_LETTER_NAMESPACE, DEAD_LETTER_SCHEMA, DeadLetterWriter, deadLetterTableName } from './dead-letter.js';
import type { DeadLetterFactory, SinkFactory, SourceFactory } from './factories.js';
import type { Warehouses } from './warehouses.js';

export function defaultSourceFactory(): SourceFactory {
  return (def: SourceDef, bounded: boolean): SourceReader | Promise<SourceReader> => {
    switch (def.connector) {
      case 'file': {
        const path = def.options['path'];
        if (path === undefined) throw new EngineError('config', `source '${def.name}' has no 'path' option`);
        return new FileSourceReader(def.name, resolve(def.baseDir, path), path, { bounded });
      }
      case 'kafka':
        // kafkajs takes ~70 ms to load: only runs with a Kafka source pay for it
        return import('../connectors/kafka-source.js').then(({ KafkaSourceReader }) => new KafkaSourceReader(def, { bounded }));
    }
  };
}

export function defaultSinkFactory(warehouses: Warehouses, print?: (line: string) => void): SinkFactory {
  return (def: SinkDef, schema: Schema, planFingerprint: string): SinkWriter => {
    switch (def.connector) {
      case 'console':
        return new ConsoleSink(def.name, schema, print);
      case 'iceberg':
        return new IcebergSink({
          name: def.name,
          store: warehouses.open(def.warehouse),
          namespace: def.namespace,
          table: def.table,
          schema,
          partitionBy: def.partitionBy,
          format: def.format,
          planFingerprint,
          ...(def.span !== undefined ? { span: def.span } : {}),
        });
    }
  };
}

export function defaultDeadLetterFactory(warehouses: Warehouses): DeadLetterFactory {
  return (source: SourceDef, warehouse: string | undefined, reader: string): DeadLetterWriter =>
    new DeadLetterWriter(
      source.name,
      reader,
      new IcebergSink({
        name: `${source.name}_dead_letter`,
        store: warehouses.open(warehouse),
        namespace: DEAD_LETTER_NAMESPACE,
        table: deadLetterTableName(source.name),
        schema: DEAD_LETTER_SCHEMA,
        partitionBy: [],
        format: 'append',
        planFingerprint: 'dead-letter-v1',
        createLazily: true,
        shared: true,
      }),
    );
}
