// Loads node-sql-parser's PostgreSQL build through CommonJS `require` and re-exports only its
// Parser. Importing the 300 KB bundle straight from ESM makes Node scan it for export names
// (~60 ms of `streamforge check`); this shim is tiny, so only the shim is scanned.
// Part of the parser/select.ts adapter: nothing else may import it.
const nsp = require('node-sql-parser/build/postgresql.js');
module.exports = { Parser: nsp.Parser };
