#!/usr/bin/env node
// uservm-edge: the reference edge client (also the simulator). It generates its own keys, enrols
// with a bootstrap token, keeps its identity in a state folder, and calls the edge gRPC API.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Command } from 'commander';
import { ConnectError } from '@connectrpc/connect';
import { EdgeService } from '../gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { createEdgeKeyMaterial } from './credentials.js';
import { EdgeIdentityStore } from './identity-store.js';
import { edgeClient, edgeTransport } from './transport.js';
import { simulatorCommands } from './simulator-commands.js';

const program = new Command('uservm-edge')
  .description('reference Edge Appliance client for the User VM edge gRPC API')
  .showHelpAfterError();

program
  .command('enroll')
  .description('generate keys, enrol with a bootstrap token, and save the identity (and a wg-quick config)')
  .requiredOption('--endpoint <host:port>', 'enrollment endpoint (over the underlay)')
  .requiredOption('--token <token>', 'bootstrap token (uvmb_...)')
  .requiredOption('--name <name>', "this edge's name")
  .requiredOption('--ca <file>', 'CA certificate (PEM) given with the token')
  .requiredOption('--state-dir <dir>', 'where to keep identity and keys')
  .option('--server-name <name>', 'TLS name to verify when the endpoint is not one the certificate names')
  .option('--software-version <v>', 'reported version', '0.1.0')
  .action(
    async (o: {
      endpoint: string;
      token: string;
      name: string;
      ca: string;
      stateDir: string;
      serverName?: string;
      softwareVersion: string;
    }) => {
      const caPem = fs.readFileSync(o.ca, 'utf8');
      const keys = await createEdgeKeyMaterial(o.name);
      const client = edgeClient(
        EnrollmentService,
        edgeTransport({ endpoint: o.endpoint, caPem, ...(o.serverName ? { serverName: o.serverName } : {}) }),
      );
      const res = await client.enroll({
        bootstrapToken: o.token,
        edgeName: o.name,
        wireguardPublicKey: keys.wireguard.publicKey,
        csrPem: keys.csrPem,
        softwareVersion: o.softwareVersion,
      });
      const identity = {
        edgeId: res.edgeId,
        edgeName: o.name,
        grpcEndpoint: res.grpcEndpoint,
        enrollmentEndpoint: o.endpoint,
        caCertificatePem: res.caCertificatePem,
        certificatePem: res.certificatePem,
        certificateExpiresAt: Number(res.certificateExpiresAtMs),
        wireguard: {
          serverPublicKey: res.wireguard!.serverPublicKey,
          serverEndpoint: res.wireguard!.serverEndpoint,
          edgeAddress: res.wireguard!.edgeAddress,
          serverAddress: res.wireguard!.serverAddress,
          allowedIps: res.wireguard!.allowedIps,
          persistentKeepaliveSeconds: res.wireguard!.persistentKeepaliveSeconds,
        },
        allowedCameras: res.allowedCameras,
      };
      new EdgeIdentityStore(o.stateDir).save(identity, {
        tlsKeyPem: keys.tlsKeyPem,
        wireguardPrivateKey: keys.wireguard.privateKey,
      });
      console.log(
        JSON.stringify(
          { edgeId: identity.edgeId, grpcEndpoint: identity.grpcEndpoint, wireguard: identity.wireguard },
          null,
          2,
        ),
      );
    },
  );

function connect(o: { stateDir: string; endpoint?: string; serverName?: string }) {
  const id = new EdgeIdentityStore(o.stateDir).load();
  const transport = edgeTransport({
    endpoint: o.endpoint ?? id.grpcEndpoint,
    caPem: id.caCertificatePem,
    certPem: id.certificatePem,
    keyPem: id.tlsKeyPem,
    ...(o.serverName ? { serverName: o.serverName } : {}),
  });
  return edgeClient(EdgeService, transport);
}

program
  .command('heartbeat')
  .description('send one heartbeat and print the answer with the round-trip time')
  .requiredOption('--state-dir <dir>', 'identity folder from enroll')
  .option('--endpoint <host:port>', 'override the gRPC endpoint from enrollment')
  .option('--server-name <name>', 'TLS name to verify')
  .option('--timeout-ms <ms>', 'give up after this long', (v) => Number(v), 5000)
  .action(async (o: { stateDir: string; endpoint?: string; serverName?: string; timeoutMs: number }) => {
    const started = performance.now();
    const res = await connect(o).heartbeat({ sentAtMs: BigInt(Date.now()) }, { timeoutMs: o.timeoutMs });
    console.log(
      JSON.stringify({
        rttMs: Math.round((performance.now() - started) * 10) / 10,
        serverTimeMs: Number(res.serverTimeMs),
        certificateRenewalDue: res.certificateRenewalDue,
      }),
    );
  });

program
  .command('sync')
  .description(
    'report cameras and print their readiness: from --cameras (id:normalSnapshots,...) or a --config file listing each camera with its folder of frames',
  )
  .requiredOption('--state-dir <dir>', 'identity folder from enroll')
  .option('--cameras <list>', 'e.g. front:60,garden:12')
  .option(
    '--config <file>',
    'YAML: cameras: [{ id, name, frames }] (normal snapshots counted in <frames>/normal)',
  )
  .option('--endpoint <host:port>', 'override the gRPC endpoint from enrollment')
  .option('--server-name <name>', 'TLS name to verify')
  .action(
    async (o: {
      stateDir: string;
      cameras?: string;
      config?: string;
      endpoint?: string;
      serverName?: string;
    }) => {
      const cameras = o.config
        ? camerasFromConfig(o.config)
        : (o.cameras ?? '')
            .split(',')
            .filter(Boolean)
            .map((spec) => {
              const [cameraId, normal] = spec.split(':');
              return {
                cameraId: cameraId!,
                name: cameraId!,
                online: true,
                labelledSnapshotCounts: { normal: Number(normal ?? 0) },
              };
            });
      if (cameras.length === 0) throw new Error('give --cameras or --config');
      const res = await connect(o).syncCapabilities({
        cameras,
        runtime: { runtimes: ['onnxruntime'], maxOpset: 17 },
      });
      console.log(
        JSON.stringify(
          res.cameras.map((c) => ({
            cameraId: c.cameraId,
            allowed: c.allowed,
            readiness: c.readiness,
            normalSnapshotsMissing: c.normalSnapshotsMissing,
            reason: c.reason,
          })),
        ),
      );
    },
  );

/** Cameras from a simulator config: each with a name and a folder of frames. */
function camerasFromConfig(file: string) {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as {
    cameras?: { id: string; name?: string; frames?: string }[];
  };
  return (doc.cameras ?? []).map((c) => {
    const normalDir = c.frames ? path.resolve(path.dirname(file), c.frames, 'normal') : '';
    const normal =
      normalDir && fs.existsSync(normalDir)
        ? fs.readdirSync(normalDir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).length
        : 0;
    return { cameraId: c.id, name: c.name ?? c.id, online: true, labelledSnapshotCounts: { normal } };
  });
}

simulatorCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = ConnectError.from(err);
  process.stderr.write(`uservm-edge: grpc error ${e.code} (${e.rawMessage})\n`);
  process.exit(3);
}
