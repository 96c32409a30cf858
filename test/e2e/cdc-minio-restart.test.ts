// Failure case on the real stack: MinIO is stopped and started again (deploy/local/minio.sh) in the
// middle of a run while one long-running engine commits every second and the workload produces. The
// engine's S3 store retries with backoff: the same process must carry on, catch up and stop cleanly,
// and the feature tables must equal SQL over the databases' final state (nothing lost or doubled).
// Run: npx vitest run --config /dev/null --dir test/e2e cdc-minio-restart   (needs the stack; see test/README.md)
import { describeComponentRestart } from './harness/component-restart.js';

describeComponentRestart({
  prefix: 'cdc-minio-restart',
  component: 'minio',
  stopOrder: ['minio'],
  // Well inside the S3 store's retry budget (8 tries within ~30 s per request).
  downMs: 6000,
  debeziumMayResend: false,
  expectation: 'the engine retries its S3 requests and carries on',
});
