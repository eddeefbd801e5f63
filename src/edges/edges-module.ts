import path from 'node:path';
import type { ConnectRouter } from '@connectrpc/connect';
import type { DomainEventBus } from '../app/domain-events.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/database.js';
import { EdgeApiServer } from '../edge-api/server.js';
import { identityInterceptor, metricsInterceptor } from '../edge-api/interceptors.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import { BootstrapTokenRepository } from './bootstrap-token-repository.js';
import { BootstrapTokenService } from './bootstrap-token-service.js';
import { CameraAccess } from './camera-access.js';
import { CameraRepository } from './camera-repository.js';
import { CameraService } from './camera-service.js';
import { EdgeIdentityResolver } from './edge-identity.js';
import { EdgeRegistryService } from './edge-registry-service.js';
import { wireValuesInterceptor } from '../edge-api/wire-values.js';
import { RevocationWatcher } from './revocation-watcher.js';
import { EdgeRepository } from './edge-repository.js';
import { EnrollmentService } from './enrollment-service.js';
import { CertificateAuthority } from './pki/certificate-authority.js';
import { parseSubnet } from './tunnel-addresses.js';
import { NoneWireGuardDriver, type WireGuardDriver } from './wireguard/driver.js';
import { loadOrCreateServerKey } from './wireguard/keys.js';
import { WireGuardPeerSync } from './wireguard/peer-sync.js';
import { WgCliDriver } from './wireguard/wg-cli-driver.js';
import { transactor } from '../db/transaction.js';

export type EdgesModule = Awaited<ReturnType<typeof createEdgesModule>>;

/** Builds edge identity and connectivity: tokens, CA, registry, cameras, WireGuard, the gRPC API. */
export async function createEdgesModule(
  config: Config,
  db: Db,
  bus: DomainEventBus,
  metrics: ServiceMetrics,
  log: Logger,
  /** SQLite data_version, so cached identities notice writes from other processes. */
  dataVersion: () => number = () => 0,
) {
  const pkiDir = path.resolve(config.dataDir, 'pki');
  const ca = await CertificateAuthority.loadOrCreate(pkiDir, log);
  const subnet = parseSubnet(config.wireguard.subnet);
  const serverKey = loadOrCreateServerKey(path.resolve(config.dataDir, 'wireguard'));
  const driver: WireGuardDriver =
    config.wireguard.driver === 'wg'
      ? new WgCliDriver(
          {
            interfaceName: config.wireguard.interface,
            listenPort: config.wireguard.listenPort,
            address: `${subnet.serverAddress}/${subnet.prefixLength}`,
            privateKey: serverKey.privateKey,
            publicKey: serverKey.publicKey,
            userspaceBinary: config.wireguard.userspaceBinary,
            persistentKeepaliveSeconds: config.wireguard.persistentKeepaliveSeconds,
            ...(config.wireguard.netns ? { netns: config.wireguard.netns } : {}),
          },
          log.child({ component: 'wireguard' }),
        )
      : new NoneWireGuardDriver(serverKey.publicKey);

  const edgeRepo = new EdgeRepository(db);
  const cameraRepo = new CameraRepository(db);
  const tokenRepo = new BootstrapTokenRepository(db);
  const bootstrapTokens = new BootstrapTokenService(tokenRepo, edgeRepo);
  const peerSync = new WireGuardPeerSync(driver, edgeRepo, log.child({ component: 'wireguard' }));
  const grpcEndpoint =
    config.edgeApi.publicEndpoint ??
    (config.wireguard.driver === 'wg'
      ? `${subnet.serverAddress}:${config.edgeApi.port}`
      : `${config.edgeApi.host}:${config.edgeApi.port}`);
  const enrollment = new EnrollmentService(
    transactor(db),
    bootstrapTokens,
    tokenRepo,
    edgeRepo,
    ca,
    peerSync,
    bus,
    {
      subnet: config.wireguard.subnet,
      wireguardEndpoint: config.wireguard.endpoint,
      persistentKeepaliveSeconds: config.wireguard.persistentKeepaliveSeconds,
      grpcEndpoint,
      certificateValidityDays: config.edgeApi.certificateValidityDays,
    },
    log.child({ component: 'enrollment' }),
  );
  const registry = new EdgeRegistryService(
    edgeRepo,
    ca,
    peerSync,
    bus,
    {
      heartbeatIntervalSeconds: config.edgeApi.heartbeatIntervalSeconds,
      renewBeforeDays: config.edgeApi.renewBeforeDays,
      certificateValidityDays: config.edgeApi.certificateValidityDays,
    },
    log.child({ component: 'edges' }),
  );
  const cameras = new CameraService(transactor(db), cameraRepo, edgeRepo, tokenRepo, bus, {
    minNormalSnapshots: config.cameras.minNormalSnapshots,
  });
  const cameraAccess = new CameraAccess(cameraRepo);
  const identity = new EdgeIdentityResolver(
    edgeRepo,
    {
      requireTunnel: config.edgeApi.requireTunnel,
      tunnelSubnet: config.wireguard.subnet,
    },
    dataVersion,
  );

  /** Other capabilities add their gRPC services here before start(). */
  let routes: ((router: ConnectRouter) => void) | undefined;
  let server: EdgeApiServer | undefined;
  let unsubscribe: (() => void) | undefined;
  let revocations: RevocationWatcher | undefined;
  let address: { host: string; port: number } | undefined;

  return {
    ca,
    bootstrapTokens,
    enrollment,
    registry,
    cameras,
    cameraRepository: cameraRepo,
    cameraAccess,
    identity,
    peerSync,
    /** The edge API's services (edge-api/routes.ts), set once at composition before start. */
    serveRoutes(register: (router: ConnectRouter) => void): void {
      routes = register;
    },
    /** Where edges enrol (over the underlay): the edge API's public endpoint before the tunnel exists. */
    get enrollmentEndpoint() {
      const host =
        config.edgeApi.host === '0.0.0.0'
          ? (config.wireguard.endpoint.split(':')[0] ?? '127.0.0.1')
          : config.edgeApi.host;
      // The bound port once listening (a configured port 0 means "any free one").
      return `${host}:${address?.port ?? config.edgeApi.port}`;
    },
    get grpcAddress() {
      return address;
    },
    async start(): Promise<void> {
      await peerSync
        .start()
        .catch((err) =>
          log.error(
            { err },
            'WireGuard interface could not be set up; edges cannot connect through the tunnel until it is',
          ),
        );
      if (!config.edgeApi.enabled) return;
      const names = [
        ...config.edgeApi.serverNames,
        subnet.serverAddress,
        ...(config.edgeApi.host === '0.0.0.0' ? [] : [config.edgeApi.host]),
      ];
      const { certPem, keyPem } = await ca.serverCredentials(names);
      server = new EdgeApiServer(
        {
          host: config.edgeApi.host,
          port: config.edgeApi.port,
          certPem,
          keyPem,
          caPem: ca.certPem,
          interceptors: [
            metricsInterceptor(metrics.grpcDuration),
            identityInterceptor(identity, log),
            wireValuesInterceptor(),
          ],
          fastUnary: config.edgeApi.fastUnary,
          routes: (router) => {
            if (!routes) throw new Error('the edge API started before its routes were set');
            routes(router);
          },
        },
        log.child({ component: 'edge-api' }),
      );
      address = await server.start();
      const dropSessions = async (edgeId: string) => {
        const fps = await edgeRepo.certificateFingerprints(edgeId);
        const dropped = server?.dropSessions(new Set(fps)) ?? 0;
        if (dropped > 0) log.info({ edgeId, dropped }, "closed the revoked edge's open connections");
      };
      unsubscribe = bus.subscribe('edge.revoked', ({ edgeId }) => void dropSessions(edgeId));
      revocations = new RevocationWatcher(
        edgeRepo,
        dataVersion,
        async (edgeId) => {
          await dropSessions(edgeId);
          await peerSync.sync().catch(() => undefined);
        },
        log,
      );
      revocations.start();
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      revocations?.stop();
      peerSync.stop();
      await server?.stop();
      await registry.flush();
    },
  };
}
