import { generateOrders } from '../../examples/ecommerce/generate.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import { T } from '../../catalog/types.js';
import type { SourceDef } from '../../catalog/model.js';
const src = { kind:'source', name:'orders', columns: [
 { name:'id', type:T.bigint, nullable:false }, { name:'customer_id', type:T.bigint, nullable:true },
 { name:'amount', type:T.decimal(10,2), nullable:true }, { name:'status', type:T.varchar, nullable:true },
 { name:'created_at', type:T.timestamp(3), nullable:true },
 { name:'changed_at', type:T.timestamp(3), nullable:true, metadata:'source.ts_ms' },
 { name:'op', type:T.varchar, nullable:true, metadata:'op' } ], primaryKey:[0] } as unknown as SourceDef;
for (const schemaBlock of [false, true]) {
  const text = [...generateOrders({ events: 20000, customers: 1000, seed: 1, schemaBlock, startMs: Date.parse('2026-11-01T00:00:00Z'), spanMs: 600000, outOfOrderMs: 3000 })].join('\n');
  const buf = Buffer.from(text);
  const lines: string[] = []; let p = 0;
  for (;;) { const q = buf.indexOf(10, p); const e = q < 0 ? buf.length : q; lines.push(buf.toString('latin1', p, e)); if (q < 0) break; p = q + 1; }
  const d = createDebeziumDecoder(src, [0,1,2,3,4,5,6]);
  for (let r = 0; r < 10; r++) {
    let c0 = process.cpuUsage().user; let k = 0;
    for (const l of lines) { const x = d.decode(l); if (x.kind === 'event') k++; }
    const dec = lines.length / (process.cpuUsage().user - c0) * 1e6;
    c0 = process.cpuUsage().user;
    for (const l of lines) { if (l !== 'null') JSON.parse(l); }
    const jp = lines.length / (process.cpuUsage().user - c0) * 1e6;
    console.log(schemaBlock ? 'schema' : 'plain', 'decode', dec.toFixed(0), 'JSON.parse', jp.toFixed(0), k);
  }
}
