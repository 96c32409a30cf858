// What one Debezium envelope read leaves for the decoder to judge: op, row images, shape errors,
// plans in effect and the tombstone facts. Filled by either envelope reader (the WebAssembly fast
// path or the JS walker), reset per event; holds no references across events once reset.
import type { Value } from '../../catalog/types.js';
import type { ColumnPlan } from './schema-block.js';

export class EventState {
  /** Column plans in effect (the declared ones, or refined by the event's schema block). */
  plans: ColumnPlan[];
  before: Value[] | null = null;
  after: Value[] | null = null;
  /** Declared physical columns present in the before image. */
  beforeCount = 0;
  /** Text of the `op` value, or null when the envelope has no string `op`; its raw JSON span. */
  opText: string | null = null;
  opStart = 0;
  opEnd = 0;
  /** An image that is neither an object nor null (the first one, in text order). */
  shapeError: string | null = null;
  /** `payload` was present and not an object; envelope keys seen (schema and payload excluded). */
  payloadNull = false;
  envelopeKeys = 0;
  /** The reader already put the METADATA values into the images; metaValues is its scratch. */
  metaReady = false;
  readonly metaValues: Value[];

  constructor(
    private readonly declared: ColumnPlan[],
    columns: number,
  ) {
    this.plans = declared;
    this.metaValues = Array.from({ length: columns }, (): Value => null);
  }

  reset(): void {
    this.plans = this.declared;
    this.before = null;
    this.after = null;
    this.beforeCount = 0;
    this.opText = null;
    this.opStart = 0;
    this.opEnd = 0;
    this.shapeError = null;
    this.payloadNull = false;
    this.envelopeKeys = 0;
    this.metaReady = false;
  }
}
