import os from 'node:os';
import { z } from 'zod';

/**
 * The one configuration schema: YAML file + UVM_* environment overrides are merged and then
 * validated here once, at start. Every object is strict so a misspelt key is an error, not a
 * silently ignored setting. Defaults give the embedded mode (SQLite + files under ./data).
 */
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const durationMs = z
  .number()
  .int()
  .min(1)
  .max(24 * 3600 * 1000);

const serverSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8080),
    /** Largest JSON request body accepted, in bytes. */
    bodyLimitBytes: positiveInt.max(64 * 1024 * 1024).default(1024 * 1024),
    /** A request taking longer than this is answered 503 and its socket closed. */
    requestTimeoutMs: durationMs.default(30_000),
    /** On SIGTERM/SIGINT, in-flight requests and jobs get this long to finish. */
    shutdownTimeoutMs: durationMs.default(15_000),
    trustProxy: z.boolean().default(false),
  })
  .prefault({});

const databaseSchema = z
  .strictObject({
    /** SQLite file; relative paths are resolved against dataDir. */
    path: z.string().min(1).default('uservm.sqlite'),
    busyTimeoutMs: durationMs.default(5_000),
  })
  .prefault({});

const s3Schema = z.strictObject({
  endPoint: z.string().min(1),
  port: port.optional(),
  useSSL: z.boolean().default(true),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  /** Path-style addressing; needed by MinIO, Swift s3api and most self-hosted servers. */
  pathStyle: z.boolean().default(true),
  /** Prepended to every bucket name, so several services can share one S3 account. */
  bucketPrefix: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'only lowercase letters, digits and hyphens')
    .max(20)
    .default(''),
});

const storageSchema = z
  .strictObject({
    driver: z.enum(['fs', 's3']).default('fs'),
    fs: z
      .strictObject({
        /** Blob root; relative paths are resolved against dataDir. */
        root: z.string().min(1).default('blobs'),
      })
      .prefault({}),
    s3: s3Schema.optional(),
  })
  .prefault({})
  .superRefine((value, ctx) => {
    if (value.driver === 's3' && !value.s3) {
      ctx.addIssue({ code: 'custom', path: ['s3'], message: 'required when storage.driver is "s3"' });
    }
  });

const jobsSchema = z
  .strictObject({
    /** How often an idle runner looks for due jobs. */
    pollIntervalMs: durationMs.default(250),
    /** A leased job whose lease is not renewed within this time is handed to another runner. */
    leaseMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    /** Jobs run at once by this process (I/O-bound handlers; CPU work goes to the worker pool). */
    concurrency: positiveInt.max(64).default(4),
    maxAttempts: positiveInt.max(100).default(5),
    backoffBaseMs: durationMs.default(1_000),
    backoffMaxMs: durationMs.default(10 * 60_000),
    /** Finished jobs older than this are deleted. */
    retentionDays: positiveInt.max(3650).default(14),
  })
  .prefault({});

const workersSchema = z
  .strictObject({
    /** Worker threads for CPU-heavy work (detector, training); one per core by default. */
    threads: positiveInt.max(256).default(Math.max(1, os.availableParallelism())),
  })
  .prefault({});

const logSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: pretty when stdout is a terminal, JSON otherwise. */
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  })
  .prefault({});

const authSchema = z
  .strictObject({
    /** On first start with no API token, create an admin token and print it once. */
    createInitialAdminToken: z.boolean().default(true),
  })
  .prefault({});

export const configSchema = z.strictObject({
  /** Everything the embedded mode writes lives under this directory. */
  dataDir: z.string().min(1).default('./data'),
  server: serverSchema,
  database: databaseSchema,
  storage: storageSchema,
  jobs: jobsSchema,
  workers: workersSchema,
  log: logSchema,
  auth: authSchema,
});

export type Config = z.infer<typeof configSchema>;
export type S3Config = z.infer<typeof s3Schema>;
