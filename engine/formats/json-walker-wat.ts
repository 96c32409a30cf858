// The WebAssembly program of the fast Debezium path, in text format (assembled at run time by
// wasm-assembler.ts): one validating pass over an envelope that records where the values the
// decoder needs are (before/after columns, op, schema, payload, METADATA paths) and pre-parses
// their numbers. It never converts values nor decides semantics: odd cases return -2 (JS decides).
import { WALKER_OBJECTS_WAT } from './json-walker-objects-wat.js';
import { WALKER_TOKENS_WAT } from './json-walker-tokens-wat.js';

export const JSON_WALKER_WAT = `(module
  (memory (export "memory") 2)
${WALKER_TOKENS_WAT}
${WALKER_OBJECTS_WAT})
`;
