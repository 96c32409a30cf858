#!/usr/bin/env node
// Launcher for the `streamforge` bin: runs the compiled CLI (npm install builds it into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = new URL('../../dist/engine/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('streamforge is not built yet: run `npm install` (or `npm run build`) in the repository first\n');
  process.exit(2);
}
await import(main.href);
