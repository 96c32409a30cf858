// Loads node-sql-parser's PostgreSQL build through CommonJS `require`, on the first call only, and
// hands out its Parser. Importing the 300 KB bundle straight from ESM makes Node scan it for export
// names (~60 ms of `streamforge check`); this shim is tiny, so only the shim is scanned, and a run
// whose statements all come from the parse cache never loads the bundle.
// Part of the parser/select.ts adapter: nothing else may import it.
let Parser;
function loadParser() {
  if (Parser === undefined) Parser = require('node-sql-parser/build/postgresql.js').Parser;
  return Parser;
}
module.exports = { loadParser };
