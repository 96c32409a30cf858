// The read-only view of declared objects that the SQL binder depends on.
// Interface only: implementations live in catalog/catalog.ts (and in tests).
import type { SinkDef, SourceDef, ViewDef } from './model.js';

export interface CatalogReader {
  lookupSource(name: string): SourceDef | undefined;
  lookupSink(name: string): SinkDef | undefined;
  lookupView(name: string): ViewDef | undefined;
  /** Every declared name (sources, views, sinks), for "did you mean" suggestions. */
  names(): readonly string[];
}
