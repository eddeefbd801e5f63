import os from 'node:os';
import { z } from 'zod';
import {
  analysisSchema,
  baselineSchema,
  datasetsSchema,
  modelsSchema,
  trainingSchema,
  visionSchema,
} from './ml-schema.js';

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
    /** How often a worker thread checkpoints the write-ahead log (off the event loop). */
    checkpointIntervalMs: durationMs.default(1_000),
    /**
     * Refuse at once a query through the root handle inside a transaction (it would deadlock until
     * busyTimeoutMs). On in the test suite; off by default because it slows every await a little.
     */
    strictTransactions: z.boolean().default(false),
    /** Before migrations upgrade an existing database, back the install up to {dataDir}/backups. */
    backupBeforeMigrate: z.boolean().default(true),
  })
  .prefault({});

const s3Schema = z.strictObject({
  endPoint: z.string().min(1),
  port: port.optional(),
  useSsl: z.boolean().default(true),
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
    /**
     * A job whose runner stops under it (the process killed or crashed) gets its attempt back;
     * after this many such stops it is buried (it may be what takes the process down).
     */
    maxInterruptions: positiveInt.max(1000).default(10),
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

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port');
const cidr4 = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, 'must be an IPv4 CIDR such as 100.96.0.0/24');

const edgeApiSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** The gRPC (HTTP/2 + TLS) listener. 0.0.0.0 serves enrollment on the underlay and the API in the tunnel. */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8443),
    /** Names and addresses the server certificate covers (the tunnel address is added). */
    serverNames: z.array(z.string().min(1)).default(['localhost', '127.0.0.1']),
    /** host:port edges are told to use after enrollment; default: tunnel address (wg) or host:port. */
    publicEndpoint: hostPort.optional(),
    certificateValidityDays: positiveInt.max(825).default(90),
    /** Heartbeats answer "renew" this many days before the client certificate expires. */
    renewBeforeDays: positiveInt.max(365).default(30),
    heartbeatIntervalSeconds: positiveInt.max(3600).default(15),
    /** Refuse every call but enrollment unless it comes through the WireGuard tunnel subnet. */
    requireTunnel: z.boolean().default(false),
    /**
     * Serve unary calls (heartbeat, telemetry, events...) through the lean gRPC path instead of
     * connect-node's adapter (~3x less CPU per call); streaming calls always use the adapter. An
     * escape hatch should a client ever disagree with it.
     */
    fastUnary: z.boolean().default(true),
  })
  .prefault({});

const wireguardSchema = z
  .strictObject({
    /** none: keep peers in the database only (development, no root); wg: manage a real interface. */
    driver: z.enum(['none', 'wg']).default('none'),
    interface: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{1,15}$/, 'a Linux interface name (1-15 characters)')
      .default('uvm0'),
    listenPort: port.default(51820),
    /** Tunnel addresses: the service takes the first host address, edges the next ones. */
    subnet: cidr4.default('100.96.0.0/24'),
    /** host:port where edges reach this WireGuard interface over the underlay. */
    endpoint: hostPort.default('127.0.0.1:51820'),
    persistentKeepaliveSeconds: z.number().int().min(0).max(3600).default(25),
    /** Run wg/ip inside this network namespace (tests, or a dedicated namespace on the host). */
    netns: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{1,64}$/)
      .optional(),
    /** Userspace implementation used when the kernel has no WireGuard module. */
    userspaceBinary: z.string().min(1).default('wireguard-go'),
  })
  .prefault({});

const camerasSchema = z
  .strictObject({
    /** Normal snapshots a camera needs before it is ready for training. */
    minNormalSnapshots: positiveInt.max(100_000).default(50),
  })
  .prefault({});

const archiveSchema = z
  .strictObject({
    /**
     * The owner's age public keys (age1...). Event frames are encrypted to them before they are
     * stored; the service never holds an identity that could decrypt them. Events are refused until
     * at least one is configured.
     */
    recipients: z
      .array(z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, 'must be an age X25519 public key (age1...)'))
      .default([]),
    /** Where accepted uploads wait (durably) until the object store has them; relative to dataDir. */
    spoolDir: z.string().min(1).default('spool'),
    maxFrameBytes: positiveInt.max(50 * 1024 * 1024).default(8 * 1024 * 1024),
    maxFrameWidth: positiveInt.max(16384).default(4096),
    maxFrameHeight: positiveInt.max(16384).default(4096),
    maxFramesPerEvent: positiveInt.max(200).default(30),
    /** Per-camera quota for clips, snapshots and metadata, unless the camera sets its own. */
    defaultCameraQuotaBytes: positiveInt.default(10 * 1024 * 1024 * 1024),
    /** Events (and their objects) older than this are deleted, unless the camera sets its own. */
    defaultRetentionDays: positiveInt.max(3650).default(30),
    /** Total archive size across cameras; the oldest events go first when it is exceeded. */
    maxTotalBytes: positiveInt.optional(),
    /** Recent event details kept in memory (0 disables); invalidated on every change. */
    hotCacheEntries: z.number().int().min(0).max(1_000_000).default(2000),
    /** How often retention runs. */
    retentionIntervalMinutes: positiveInt.max(24 * 60).default(60),
    /** Largest encrypted clip accepted, bytes. */
    maxClipBytes: positiveInt.max(10 * 1024 * 1024 * 1024).default(512 * 1024 * 1024),
    /** Events older than this (by their start time) are refused as a clock or replay problem. */
    maxEventAgeHours: positiveInt.max(24 * 365).default(7 * 24),
    /** Tolerated edge clock skew into the future. */
    maxClockSkewSeconds: positiveInt.max(86_400).default(300),
  })
  .prefault({});

const telemetrySchema = z
  .strictObject({
    /** Raw edge samples are kept this long, then only their rollups. */
    rawRetentionHours: positiveInt.max(24 * 30).default(24),
    /** Width of a rollup bucket (avg/min/max per metric). */
    rollupStepSeconds: z.number().int().min(60).max(3600).default(300),
    rollupRetentionDays: positiveInt.max(3650).default(30),
  })
  .prefault({});

const healthSchema = z
  .strictObject({
    /** The data directory's or spool's volume is degraded below this share free, down below diskDownFreePercent. */
    diskDegradedFreePercent: z.number().min(0).max(100).default(10),
    diskDownFreePercent: z.number().min(0).max(100).default(2),
    /** A queued job due longer ago than this means the runners cannot keep up (degraded). */
    jobOverdueSeconds: positiveInt.max(86_400).default(300),
    /** Jobs that died (out of attempts) within this window make the job queue degraded. */
    deadJobWindowHours: positiveInt.max(24 * 30).default(24),
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
  health: healthSchema,
  log: logSchema,
  auth: authSchema,
  edgeApi: edgeApiSchema,
  wireguard: wireguardSchema,
  cameras: camerasSchema,
  archive: archiveSchema,
  telemetry: telemetrySchema,
  datasets: datasetsSchema,
  training: trainingSchema,
  vision: visionSchema,
  baseline: baselineSchema,
  analysis: analysisSchema,
  models: modelsSchema,
});

export type Config = z.infer<typeof configSchema>;
export type S3Config = z.infer<typeof s3Schema>;
