// deploy/local/s3-bucket.mjs — S3 helper for the local MinIO: create the warehouse bucket (idempotent) and
// verify conditional writes (PUT If-None-Match: * on an existing key must fail with 412).
// Usage: node s3-bucket.mjs ensure-bucket | check-conditional-put. Writes only under _streamforge_smoke/.
// The SDK warns on every start that its 2027+ releases need Node >= 22; the project targets Node 20.19+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { S3Client, CreateBucketCommand, HeadBucketCommand, PutObjectCommand, DeleteObjectCommand, GetObjectCommand } =
  await import('@aws-sdk/client-s3');

const endpoint = `http://${process.env.STREAMFORGE_HOST ?? '127.0.0.1'}:${process.env.STREAMFORGE_MINIO_PORT ?? '19000'}`;
const bucket = process.env.STREAMFORGE_BUCKET ?? 'warehouse';
const s3 = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: {
    accessKeyId: process.env.MINIO_ROOT_USER ?? 'streamforge',
    secretAccessKey: process.env.MINIO_ROOT_PASSWORD ?? 'streamforge-secret',
  },
});

const status = (err) => err?.$metadata?.httpStatusCode;

async function ensureBucket() {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    console.log(`bucket ${bucket}: exists (${endpoint})`);
  } catch (err) {
    if (status(err) !== 404) throw err;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    console.log(`bucket ${bucket}: created (${endpoint})`);
  }
}

async function expectStatus(what, code, fn) {
  try {
    await fn();
  } catch (err) {
    if (status(err) === code) {
      console.log(`${what}: HTTP ${code} ${err.name} (as required)`);
      return;
    }
    throw new Error(`${what}: expected HTTP ${code}, got ${status(err) ?? '?'} ${err?.name}: ${err?.message}`);
  }
  throw new Error(`${what}: expected HTTP ${code}, but the request succeeded`);
}

async function checkConditionalPut() {
  await ensureBucket();
  const key = `_streamforge_smoke/conditional-${process.pid}-${Date.now()}`;
  const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v1', IfNoneMatch: '*' }));
  console.log(`PUT ${key} If-None-Match:* on a new key: HTTP 200, ETag ${first.ETag}`);
  await expectStatus('PUT If-None-Match:* on an existing key', 412, () =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v2', IfNoneMatch: '*' })),
  );
  await expectStatus('PUT If-Match:<stale etag>', 412, () =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v3', IfMatch: '"00000000000000000000000000000000"' })),
  );
  const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v4', IfMatch: first.ETag }));
  console.log(`PUT If-Match:<current etag>: HTTP 200, ETag ${second.ETag}`);
  const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body.transformToString();
  if (body !== 'v4') throw new Error(`object body is '${body}', expected 'v4' (a rejected PUT overwrote it)`);
  console.log(`GET ${key}: '${body}' (rejected PUTs did not overwrite)`);
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

const cmd = process.argv[2];
const run = { 'ensure-bucket': ensureBucket, 'check-conditional-put': checkConditionalPut }[cmd];
if (!run) {
  console.error('usage: s3-bucket.mjs ensure-bucket | check-conditional-put');
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (err) => {
    console.error(`s3-bucket ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
