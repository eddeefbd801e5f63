/**
 * The reference edge client library: what an Edge Appliance does against the User VM edge gRPC
 * API, typed on the generated contract. Enrol (own keys), persist the identity, then call every
 * edge RPC with retries on transient failures and resumable transfers (model downloads by
 * offset, clip uploads by the bytes the service acknowledged). The simulator and the demo use it;
 * edge developers can read it as the worked example of the contract.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { DatasetService } from '../gen/guardian/edge/v1/datasets_pb.js';
import { EventService, TriggerType } from '../gen/guardian/edge/v1/events_pb.js';
import { ModelService, ModelState, type ModelAssignment } from '../gen/guardian/edge/v1/models_pb.js';
import { TelemetryService } from '../gen/guardian/edge/v1/telemetry_pb.js';
import { clipUploadMessages } from './clip-upload-messages.js';
import { createEdgeKeyMaterial } from './credentials.js';
import { EdgeIdentityStore } from './identity-store.js';
import { edgeClient, edgeTransport } from './transport.js';

const TRANSIENT = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
  Code.Internal,
]);

/** Retries transient gRPC failures with exponential backoff (network blips, a busy service). */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 5, baseMs = 200): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = ConnectError.from(err).code;
      if (i >= attempts || !TRANSIENT.has(code)) throw err;
      await new Promise((r) => setTimeout(r, baseMs * 2 ** (i - 1)));
    }
  }
}

export interface Snapshot {
  label: string;
  image: Buffer;
  capturedAt?: number;
  conditions?: { light?: string; weather?: string; season?: string };
}

export interface InstalledModel {
  assignment: ModelAssignment;
  file: string;
}

export class EdgeSession {
  readonly edge: Client<typeof EdgeService>;
  readonly datasets: Client<typeof DatasetService>;
  readonly events: Client<typeof EventService>;
  readonly models: Client<typeof ModelService>;
  readonly telemetry: Client<typeof TelemetryService>;

  private constructor(
    readonly stateDir: string,
    readonly edgeId: string,
    private readonly endpoint: string,
    caPem: string,
    certPem: string,
    keyPem: string,
  ) {
    const transport = edgeTransport({ endpoint, caPem, certPem, keyPem });
    this.edge = edgeClient(EdgeService, transport);
    this.datasets = edgeClient(DatasetService, transport);
    this.events = edgeClient(EventService, transport);
    this.models = edgeClient(ModelService, transport);
    this.telemetry = edgeClient(TelemetryService, transport);
  }

  /** Generates keys, enrols with a bootstrap token, saves the identity in stateDir. */
  static async enroll(o: {
    endpoint: string;
    caPem: string;
    token: string;
    name: string;
    stateDir: string;
    softwareVersion?: string;
    grpcEndpoint?: string;
  }): Promise<EdgeSession> {
    const keys = await createEdgeKeyMaterial(o.name);
    const res = await withRetry(() =>
      edgeClient(EnrollmentService, edgeTransport({ endpoint: o.endpoint, caPem: o.caPem })).enroll({
        bootstrapToken: o.token,
        edgeName: o.name,
        wireguardPublicKey: keys.wireguard.publicKey,
        csrPem: keys.csrPem,
        softwareVersion: o.softwareVersion ?? '0.1.0',
      }),
    );
    new EdgeIdentityStore(o.stateDir).save(
      {
        edgeId: res.edgeId,
        edgeName: o.name,
        grpcEndpoint: o.grpcEndpoint ?? res.grpcEndpoint,
        enrollmentEndpoint: o.endpoint,
        caCertificatePem: res.caCertificatePem,
        certificatePem: res.certificatePem,
        certificateExpiresAt: Number(res.certificateExpiresAtMs),
        wireguard: res.wireguard!,
        allowedCameras: res.allowedCameras,
      },
      { tlsKeyPem: keys.tlsKeyPem, wireguardPrivateKey: keys.wireguard.privateKey },
    );
    return EdgeSession.open(o.stateDir, o.grpcEndpoint);
  }

  /** Reconnects with a saved identity (e.g. after a restart). */
  static open(stateDir: string, endpoint?: string): EdgeSession {
    const id = new EdgeIdentityStore(stateDir).load();
    return new EdgeSession(
      stateDir,
      id.edgeId,
      endpoint ?? id.grpcEndpoint,
      id.caCertificatePem,
      id.certificatePem,
      id.tlsKeyPem,
    );
  }

  /**
   * Heartbeat; when the service says the certificate is due for renewal, renews it with a fresh
   * key and returns a session on the new certificate (the old one stops working).
   */
  async heartbeat(): Promise<{ session: EdgeSession; renewed: boolean }> {
    const hb = await withRetry(() => this.edge.heartbeat({ sentAtMs: BigInt(Date.now()) }));
    if (!hb.certificateRenewalDue) return { session: this, renewed: false };
    return { session: await this.renewCertificate(), renewed: true };
  }

  async renewCertificate(): Promise<EdgeSession> {
    const store = new EdgeIdentityStore(this.stateDir);
    const keys = await createEdgeKeyMaterial(store.load().edgeName);
    const res = await withRetry(() => this.edge.renewCertificate({ csrPem: keys.csrPem }));
    store.updateCertificate(res.certificatePem, Number(res.certificateExpiresAtMs), keys.tlsKeyPem);
    return EdgeSession.open(this.stateDir, this.endpoint);
  }

  sync(
    cameras: { id: string; normalSnapshots: number }[],
    runtime = {
      runtimes: ['onnxruntime'],
      maxOpset: 17,
      maxModelBytes: 200n * 1024n * 1024n,
      inputSizes: [] as string[],
    },
  ) {
    return withRetry(() =>
      this.edge.syncCapabilities({
        cameras: cameras.map((c) => ({
          cameraId: c.id,
          name: c.id,
          online: true,
          labelledSnapshotCounts: { normal: c.normalSnapshots },
        })),
        runtime,
        softwareVersion: '0.1.0',
      }),
    );
  }

  /** Streams labelled snapshots of one camera (each stored before the next is read). */
  async uploadSnapshots(cameraId: string, snapshots: Snapshot[], onProgress?: (sent: number) => void) {
    let sent = 0;
    return withRetry(() =>
      this.datasets.uploadSnapshots(
        (async function* () {
          for (const s of snapshots) {
            yield {
              cameraId,
              label: s.label,
              image: s.image,
              capturedAtMs: BigInt(Math.round(s.capturedAt ?? Date.now())),
              conditions: s.conditions ?? {},
            };
            onProgress?.(++sent);
          }
        })(),
      ),
    );
  }

  /**
   * Waits until the camera has a model assigned, downloads it (resuming from what is already on
   * disk), verifies its sha256, and reports downloading -> verified -> activated. A mismatch is
   * reported as failed (the service then rolls the camera back).
   */
  async installModel(
    cameraId: string,
    o: { timeoutMs?: number; onProgress?: (bytes: number, total: number) => void } = {},
  ): Promise<InstalledModel> {
    const deadline = Date.now() + (o.timeoutMs ?? 600_000);
    let a: ModelAssignment | undefined;
    while (
      !(a = (await withRetry(() => this.models.listAssignments({}))).assignments.find(
        (x) => x.cameraId === cameraId,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(`no model was assigned to camera ${cameraId} in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const report = (
      state: ModelState,
      extra: { reason?: string; triggerRatePerHour?: number; inferenceLatencyMs?: number } = {},
    ) =>
      withRetry(() =>
        this.models.reportModelStatus({
          cameraId,
          modelId: a!.modelId,
          deploymentId: a!.deploymentId,
          state,
          ...extra,
        }),
      );
    await report(ModelState.DOWNLOADING);
    const file = path.join(this.stateDir, 'models', `${a.modelId}.onnx`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const total = Number(a.size);
    for (let tries = 0; ; tries++) {
      const have = fs.existsSync(file) ? fs.statSync(file).size : 0;
      if (have >= total) break;
      try {
        for await (const m of this.models.downloadModel({ modelId: a.modelId, offset: BigInt(have) })) {
          fs.appendFileSync(file, m.chunk);
          o.onProgress?.(Number(m.offset) + m.chunk.length, total);
        }
      } catch (err) {
        if (tries >= 5) throw err; // resumes from the bytes on disk
      }
    }
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (sha !== a.sha256) {
      fs.rmSync(file, { force: true });
      await report(ModelState.FAILED, { reason: `sha256 mismatch: expected ${a.sha256}, got ${sha}` });
      throw new Error(`model ${a.modelId} failed verification (sha256 mismatch)`);
    }
    await report(ModelState.VERIFIED);
    return { assignment: a, file };
  }

  reportActivated(m: InstalledModel, health: { triggerRatePerHour: number; inferenceLatencyMs: number }) {
    return withRetry(() =>
      this.models.reportModelStatus({
        cameraId: m.assignment.cameraId,
        modelId: m.assignment.modelId,
        deploymentId: m.assignment.deploymentId,
        state: ModelState.ACTIVATED,
        ...health,
      }),
    );
  }

  /** Uploads an event (acknowledged once durable; a retry with the same key is idempotent). */
  /** One event; without a model (a motion trigger) the edge score and model fields stay empty. */
  uploadEvent(e: {
    cameraId: string;
    key: string;
    startedAt: number;
    frames: { image: Buffer; capturedAt: number }[];
    light: string;
    trigger?: 'anomaly' | 'motion';
    edgeScore?: number;
    threshold?: number;
    modelId?: string;
    modelVersion?: string;
    clipExpected?: boolean;
  }) {
    return withRetry(() =>
      this.events.uploadEvent({
        cameraId: e.cameraId,
        eventKey: e.key,
        startedAtMs: BigInt(e.startedAt),
        endedAtMs: BigInt(e.frames.at(-1)!.capturedAt),
        trigger: e.trigger === 'motion' ? TriggerType.MOTION : TriggerType.ANOMALY,
        edgeModelId: e.modelId ?? '',
        edgeModelVersion: e.modelVersion ?? '',
        ...(e.edgeScore !== undefined ? { edgeScore: e.edgeScore } : {}),
        ...(e.threshold !== undefined ? { edgeThreshold: e.threshold } : {}),
        frames: e.frames.map((f) => ({ image: f.image, capturedAtMs: BigInt(f.capturedAt) })),
        conditions: { light: e.light, weather: '', season: '' },
        clipExpected: e.clipExpected ?? e.trigger !== 'motion',
      }),
    );
  }

  /** Uploads an already age-encrypted clip in 1 MiB chunks, resuming from what the service holds. */
  async uploadClip(eventId: string, ciphertext: Uint8Array): Promise<void> {
    const sha256 = createHash('sha256').update(ciphertext).digest('hex');
    for (let tries = 0; ; tries++) {
      const held = Number((await withRetry(() => this.events.queryClipUpload({ eventId }))).receivedBytes);
      if (held >= ciphertext.length) return;
      try {
        await this.events.uploadClip(clipUploadMessages(eventId, ciphertext, { offset: held, sha256 }));
      } catch (err) {
        if (tries >= 5) throw err;
      }
    }
  }

  reportTelemetry(
    cameras: {
      cameraId: string;
      fps: number;
      inferenceLatencyMs: number;
      triggerRatePerHour: number;
      modelVersion: string;
    }[],
  ) {
    return withRetry(() =>
      this.telemetry.reportTelemetry({
        atMs: BigInt(Date.now()),
        cpuPercent: 35,
        memoryUsedBytes: 2n * 1024n ** 3n,
        memoryTotalBytes: 16n * 1024n ** 3n,
        diskUsedBytes: 40n * 1024n ** 3n,
        diskTotalBytes: 256n * 1024n ** 3n,
        temperaturesC: { cpu: 52 },
        eventQueueLength: 0,
        softwareVersion: '0.1.0',
        cameras: cameras.map((c) => ({
          cameraId: c.cameraId,
          online: true,
          fps: c.fps,
          lastFrameAtMs: BigInt(Date.now()),
          inferenceLatencyMs: c.inferenceLatencyMs,
          triggerRatePerHour: c.triggerRatePerHour,
          modelVersion: c.modelVersion,
        })),
      }),
    );
  }
}
