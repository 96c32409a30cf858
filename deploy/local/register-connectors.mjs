// deploy/local/register-connectors.mjs — registers Debezium connectors through the Kafka Connect REST API
// from JSON files ({ "name", "config" }) whose string values may hold ${ENV_VAR} placeholders, then waits
// until each connector and its tasks are RUNNING. Idempotent (PUT /connectors/<name>/config).
// Usage: node register-connectors.mjs [--timeout 120] [--delete] file.json...  Never touches databases itself.
import { readFileSync } from 'node:fs';

const url = `http://${process.env.STREAMFORGE_HOST ?? '127.0.0.1'}:${process.env.STREAMFORGE_CONNECT_PORT ?? '18083'}`;
const args = process.argv.slice(2);
const timeoutIdx = args.indexOf('--timeout');
const timeoutS = timeoutIdx >= 0 ? Number(args.splice(timeoutIdx, 2)[1]) : 120;
const delIdx = args.indexOf('--delete');
const deleteMode = delIdx >= 0 && args.splice(delIdx, 1).length > 0;
if (args.length === 0) {
  console.error('usage: register-connectors.mjs [--timeout S] [--delete] connector.json...');
  process.exit(2);
}

function substitute(value, file) {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name) => {
      const v = process.env[name];
      if (v === undefined) throw new Error(`${file}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, file));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, file)]));
  }
  return value;
}

async function rest(method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitRunning(name) {
  const deadline = Date.now() + timeoutS * 1000;
  let last = null;
  while (Date.now() < deadline) {
    const { status, json } = await rest('GET', `/connectors/${encodeURIComponent(name)}/status`);
    last = json;
    if (status === 200) {
      const tasks = json.tasks ?? [];
      const failed = [json.connector, ...tasks].find((s) => s?.state === 'FAILED');
      if (failed) throw new Error(`${name} FAILED on ${failed.worker_id}:\n${failed.trace ?? '(no trace)'}`);
      if (json.connector?.state === 'RUNNING' && tasks.length > 0 && tasks.every((t) => t.state === 'RUNNING')) {
        return;
      }
    }
    await sleep(500);
  }
  throw new Error(`${name} not RUNNING after ${timeoutS}s; last status: ${JSON.stringify(last)}`);
}

async function main() {
  for (const file of args) {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof doc.name !== 'string' || !doc.config || typeof doc.config !== 'object') {
      throw new Error(`${file}: expected { "name": string, "config": object }`);
    }
    const name = doc.name;
    if (deleteMode) {
      const { status } = await rest('DELETE', `/connectors/${encodeURIComponent(name)}`);
      console.log(`${name}: ${status === 204 ? 'deleted' : status === 404 ? 'not registered' : `DELETE -> HTTP ${status}`}`);
      continue;
    }
    const config = substitute(doc.config, file);
    const { status, json } = await rest('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
    if (status !== 200 && status !== 201) {
      throw new Error(`${name}: PUT config -> HTTP ${status}: ${JSON.stringify(json)}`);
    }
    console.log(`${name}: ${status === 201 ? 'created' : 'updated'} (${config['connector.class']}, topic.prefix ${config['topic.prefix']})`);
    await waitRunning(name);
    console.log(`${name}: RUNNING`);
  }
}

main().catch((err) => {
  console.error(`register-connectors: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
