// Factory signatures the pipeline uses to open sources and sinks, so tests and the CLI can
// choose implementations (files, Kafka, memory; Iceberg, console). Declarations only.
import type { SinkDef, SourceDef } from '../../catalog/model.js';
import type { Schema } from '../../catalog/types.js';
import type { SinkWriter } from '../connectors/sink.js';
import type { SourceReader } from '../connectors/source.js';
import type { DeadLetterWriter } from './dead-letter.js';

/** May resolve asynchronously (a connector's SDK is loaded only when a source uses it). */
export type SourceFactory = (def: SourceDef, bounded: boolean) => SourceReader | Promise<SourceReader>;
export type SinkFactory = (def: SinkDef, schema: Schema, planFingerprint: string) => SinkWriter;
/** `warehouse`: the explicit warehouse of the first Iceberg sink reading the source, if any. */
/** `reader`: which pipeline reads the source (see DeadLetterWriter). */
export type DeadLetterFactory = (source: SourceDef, warehouse: string | undefined, reader: string) => DeadLetterWriter;
