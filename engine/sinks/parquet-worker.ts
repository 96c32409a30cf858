// Entry point of the Parquet encoder thread (worker_threads): receives packed batches by transfer,
// encodes them with data-file-encode.ts (Arrow build, column metrics, parquet-wasm) and posts the
// files back, transferring their bytes. Reports 'ready' once its modules are loaded. No I/O here:
// the main thread uploads the bytes and commits.
import { parentPort } from 'node:worker_threads';
import { encodeDataFiles, type EncodedFile, type EncodeJob } from './data-file-encode.js';

export interface EncodeRequest {
  readonly id: number;
  readonly job: EncodeJob;
}

export interface WorkerFailure {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
}

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly files: readonly EncodedFile[] }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WorkerFailure };

function failure(err: unknown): WorkerFailure {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err), stack: undefined };
}

function serve(port: NonNullable<typeof parentPort>): void {
  port.on('message', (req: EncodeRequest) => {
    try {
      const files = encodeDataFiles(req.job);
      const buffers = new Set<ArrayBuffer>();
      for (const f of files) if (f.bytes.buffer instanceof ArrayBuffer) buffers.add(f.bytes.buffer);
      port.postMessage({ kind: 'done', id: req.id, files } satisfies WorkerReply, [...buffers]);
    } catch (err) {
      port.postMessage({ kind: 'failed', id: req.id, error: failure(err) } satisfies WorkerReply);
    }
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}

if (parentPort) serve(parentPort);
