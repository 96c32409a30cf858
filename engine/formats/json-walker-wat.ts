// The WebAssembly program of the fast Debezium path, in text format (assembled at run time by
// wasm-assembler.ts): one validating pass over an envelope that records where the values the
// decoder needs are (before/after columns, op, schema, payload, METADATA paths) and pre-parses
// their numbers. It never decides semantics: odd cases return -2 (JS decides). It may then write
// the row images of the common value forms as a decode-tape record (json-walker-tape-wat.ts).
import { WALKER_OBJECTS_WAT } from './json-walker-objects-wat.js';
import { WALKER_TAPE_WAT } from './json-walker-tape-wat.js';
import { WALKER_TOKENS_WAT } from './json-walker-tokens-wat.js';

export const JSON_WALKER_WAT = `(module
  (memory (export "memory") 2)
${WALKER_TOKENS_WAT}
${WALKER_OBJECTS_WAT}
${WALKER_TAPE_WAT})
`;
