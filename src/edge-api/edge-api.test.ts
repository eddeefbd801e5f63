import assert from 'node:assert/strict';
import { X509Certificate, webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { x509 } from '../edges/pki/x509.js';
import { Code, ConnectError } from '@connectrpc/connect';
import { createCsr, createEdgeKeyMaterial, type EdgeKeyMaterial } from '../edge-client/credentials.js';
import { edgeClient, edgeTransport } from '../edge-client/transport.js';
import { generateWireGuardKeyPair } from '../edges/wireguard/keys.js';
import { EdgeService, CameraReadiness } from '../gen/guardian/edge/v1/edge_pb.js';
import { EnrollmentService } from '../gen/guardian/edge/v1/enrollment_pb.js';
import { enrolOverGrpc } from '../test-support/edge.js';
import { testService } from '../test-support/service.js';
import { grpcError } from '../test-support/grpc.js';

let ctx: Awaited<ReturnType<typeof testService>>;
let endpoint = '';
let caPem = '';

before(async () => {
  ctx = await testService({
    'edgeApi.port': 0,
    'cameras.minNormalSnapshots': 3,
    'wireguard.subnet': '198.51.100.0/28',
  });
  await ctx.service.edges.start();
  endpoint = `127.0.0.1:${ctx.service.edges.grpcAddress!.port}`;
  caPem = ctx.service.edges.ca.certPem;
});
after(() => ctx.close());

const enrollClient = () => edgeClient(EnrollmentService, edgeTransport({ endpoint, caPem }));
const token = async (
  opts: Parameters<typeof ctx.service.edges.bootstrapTokens.create>[0] = { name: 'site' },
) => (await ctx.service.edges.bootstrapTokens.create(opts)).token;

async function enroll(name: string, bootstrapToken?: string, keys?: EdgeKeyMaterial) {
  return enrolOverGrpc({ endpoint, caPem }, name, bootstrapToken ?? (await token()), keys);
}

const counts = async () => ({
  edges: Number(
    (
      await ctx.service.database.db
        .selectFrom('edges')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
});

describe('edge enrollment over gRPC (TLS, no client certificate)', () => {
  it('enrols an edge: certificate chains to the CA, tunnel address assigned, peer added', async () => {
    const t = await token({ name: 'home', allowedCameras: ['front-door', 'garden'] });
    const { res, material, edge } = await enroll('home-1', t);
    assert.ok(res.edgeId);
    const cert = new X509Certificate(res.certificatePem);
    const ca = new X509Certificate(res.caCertificatePem);
    assert.ok(cert.checkIssued(ca), 'issued by the CA');
    assert.ok(cert.verify(ca.publicKey), 'signature verifies with the CA key');
    assert.match(cert.subjectAltName ?? '', new RegExp(`urn:uservm:edge:${res.edgeId}`));
    assert.equal(res.wireguard!.edgeAddress, '198.51.100.2/32');
    assert.equal(res.wireguard!.serverAddress, '198.51.100.1');
    assert.equal(res.wireguard!.serverPublicKey, ctx.service.edges.peerSync.driver.publicKey);
    assert.deepEqual(res.allowedCameras, ['front-door', 'garden']);
    const peers = await ctx.service.edges.peerSync.driver.peerStatus();
    assert.ok(
      peers.some((p) => p.publicKey === material.wireguard.publicKey),
      'WireGuard peer added',
    );
    const hb = await edge.heartbeat({ sentAtMs: BigInt(Date.now()), softwareVersion: '1.0.0' });
    assert.equal(hb.certificateRenewalDue, false);
    assert.equal(hb.nextHeartbeatSeconds, 15);
  });

  it('refuses unusable bootstrap tokens and says why', async () => {
    const single = await token({ name: 'once' });
    await enroll('once-a', single);
    const used = await grpcError(enroll('once-b', single));
    assert.equal(used.code, Code.Unauthenticated);
    assert.match(used.rawMessage, /used 1 of 1/);
    const revokedText = await ctx.service.edges.bootstrapTokens.create({ name: 'revoked' });
    await ctx.service.edges.bootstrapTokens.revoke(revokedText.view.id);
    assert.match((await grpcError(enroll('r', revokedText.token))).rawMessage, /revoked/);
    const expired = await ctx.service.edges.bootstrapTokens.create({ name: 'expired' });
    await ctx.service.database.db
      .updateTable('bootstrap_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', expired.view.id)
      .execute();
    const e = await grpcError(enroll('e', expired.token));
    assert.equal(e.code, Code.Unauthenticated);
    assert.match(e.rawMessage, /expired/);
    assert.match((await grpcError(enroll('m', 'not-a-token'))).rawMessage, /malformed/);
    assert.match((await grpcError(enroll('u', `uvmb_aaaaaaaaaa_${'A'.repeat(43)}`))).rawMessage, /not known/);
  });

  it('refuses bad input with INVALID_ARGUMENT or ALREADY_EXISTS and registers nothing', async () => {
    const before = await counts();
    const t = await ctx.service.edges.bootstrapTokens.create({ name: 'bad-input', maxUses: 10 });
    const good = await createEdgeKeyMaterial('x');
    const call = (over: Record<string, string>) =>
      enrollClient().enroll({
        bootstrapToken: t.token,
        edgeName: 'bad-input-edge',
        wireguardPublicKey: good.wireguard.publicKey,
        csrPem: good.csrPem,
        softwareVersion: '1',
        ...over,
      });
    const rsa = (await webcrypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const weakCsr = (
      await x509.Pkcs10CertificateRequestGenerator.create({
        name: 'CN=weak',
        keys: rsa,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      })
    ).toString('pem');
    const cases: [Record<string, string>, RegExp][] = [
      [{ csrPem: 'garbage' }, /not a PEM/],
      [
        { csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----' },
        /malformed/,
      ],
      [{ csrPem: weakCsr }, /1024 bits is too small/],
      [{ wireguardPublicKey: 'short' }, /32-byte key/],
      [{ edgeName: 'x'.repeat(64) }, /edge name/],
      [{ edgeName: '../etc' }, /edge name/],
    ];
    for (const [over, message] of cases) {
      const err = await grpcError(call(over));
      assert.equal(err.code, Code.InvalidArgument, JSON.stringify(over).slice(0, 60));
      assert.match(err.rawMessage, message);
    }
    const taken = (
      await ctx.service.database.db.selectFrom('edges').select('wg_public_key').executeTakeFirstOrThrow()
    ).wg_public_key!;
    const dup = await grpcError(call({ wireguardPublicKey: taken }));
    assert.equal(dup.code, Code.AlreadyExists);
    assert.deepEqual(await counts(), before);
    const row = await ctx.service.database.db
      .selectFrom('bootstrap_tokens')
      .select('use_count')
      .where('id', '=', t.view.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.use_count, 0, 'no token use was consumed');
  });
});

describe('edge gRPC API (mTLS)', () => {
  it('refuses calls without a client certificate or with a foreign one', async () => {
    const anonymous = edgeClient(EdgeService, edgeTransport({ endpoint, caPem }));
    const none = await grpcError(anonymous.heartbeat({}));
    assert.equal(none.code, Code.Unauthenticated);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=intruder',
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: alg,
      keys,
    });
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    const intruder = edgeClient(
      EdgeService,
      edgeTransport({ endpoint, caPem, certPem: selfSigned.toString('pem'), keyPem }),
    );
    const foreign = await grpcError(intruder.heartbeat({}));
    assert.equal(foreign.code, Code.Unauthenticated);
    assert.match(foreign.rawMessage, /not issued by this service/);
  });

  it('syncs cameras and moves readiness when enough normal snapshots exist, publishing the change', async () => {
    const seen: string[] = [];
    const off = ctx.service.bus.subscribe('camera.readiness_changed', (e) =>
      seen.push(`${e.cameraId}:${e.from}->${e.to}`),
    );
    const { edge } = await enroll(
      'cams-1',
      await token({ name: 'cams', allowedCameras: ['cam-a', 'cam-b'] }),
    );
    const first = await edge.syncCapabilities({
      softwareVersion: '1.0.0',
      runtime: {
        runtimes: ['onnxruntime'],
        maxOpset: 17,
        maxModelBytes: 50_000_000n,
        inputSizes: ['128x128'],
      },
      cameras: [
        {
          cameraId: 'cam-a',
          name: 'Front',
          width: 768,
          height: 576,
          fps: 10,
          online: true,
          labelledSnapshotCounts: { normal: 2 },
        },
        { cameraId: 'cam-z', name: 'Not allowed', online: true, labelledSnapshotCounts: {} },
      ],
    });
    assert.equal(first.cameras[0]!.readiness, CameraReadiness.NEEDS_SNAPSHOTS);
    assert.equal(first.cameras[0]!.normalSnapshotsMissing, 1);
    assert.equal(first.cameras[1]!.allowed, false);
    assert.match(first.cameras[1]!.reason, /allowed cameras/);
    const second = await edge.syncCapabilities({
      cameras: [
        {
          cameraId: 'cam-a',
          name: 'Front',
          online: true,
          labelledSnapshotCounts: { normal: 3, abnormal: 1 },
        },
      ],
    });
    assert.equal(second.cameras[0]!.readiness, CameraReadiness.READY_FOR_TRAINING);
    off();
    assert.deepEqual(seen, ['cam-a:null->needs_snapshots', 'cam-a:needs_snapshots->ready_for_training']);
    const view = await ctx.service.edges.cameras.get('cam-a');
    assert.equal(view.readiness, 'ready_for_training');
    assert.deepEqual(view.labelledSnapshotCounts, { normal: 3, abnormal: 1 });
  });

  it("refuses an edge acting for another edge's camera", async () => {
    const a = await enroll('owner-a');
    const b = await enroll('owner-b');
    await a.edge.syncCapabilities({
      cameras: [{ cameraId: 'shared-cam', name: 'A', online: true, labelledSnapshotCounts: {} }],
    });
    const res = await b.edge.syncCapabilities({
      cameras: [{ cameraId: 'shared-cam', name: 'B', online: true, labelledSnapshotCounts: {} }],
    });
    assert.equal(res.cameras[0]!.allowed, false);
    assert.match(res.cameras[0]!.reason, /another edge/);
    assert.equal((await ctx.service.edges.cameras.get('shared-cam')).edgeId, a.res.edgeId);
    const identityB = await ctx.service.edges.identity.resolve({
      authorized: true,
      fingerprint: (
        await ctx.service.database.db
          .selectFrom('edges')
          .select('cert_fingerprint')
          .where('id', '=', b.res.edgeId)
          .executeTakeFirstOrThrow()
      ).cert_fingerprint,
      remoteAddress: '127.0.0.1',
    });
    await assert.rejects(
      ctx.service.edges.cameraAccess.assertAllowed(identityB, 'shared-cam'),
      /belongs to another edge/,
    );
  });

  it('cuts a revoked edge off on its very next call, even on an open connection', async () => {
    const { res, edge, material } = await enroll('to-revoke');
    await edge.heartbeat({}); // the HTTP/2 connection is open now
    await ctx.service.edges.registry.revoke(res.edgeId, 'stolen');
    await assert.rejects(edge.heartbeat({}));
    const again = await grpcError(edge.heartbeat({}));
    assert.equal(again.code, Code.PermissionDenied);
    assert.match(again.rawMessage, /revoked: stolen/);
    const peers = await ctx.service.edges.peerSync.driver.peerStatus();
    assert.ok(!peers.some((p) => p.publicKey === material.wireguard.publicKey), 'WireGuard peer removed');
  });

  it('renews a certificate; the old one stops working', async () => {
    const { res, material, edge } = await enroll('renewer');
    const fresh = await createCsr('renewer');
    const renewed = await edge.renewCertificate({ csrPem: fresh.csrPem });
    assert.notEqual(renewed.certificatePem, res.certificatePem);
    const next = edgeClient(
      EdgeService,
      edgeTransport({ endpoint, caPem, certPem: renewed.certificatePem, keyPem: fresh.tlsKeyPem }),
    );
    await next.heartbeat({});
    const old = edgeClient(
      EdgeService,
      edgeTransport({ endpoint, caPem, certPem: res.certificatePem, keyPem: material.tlsKeyPem }),
    );
    const err = await grpcError(old.heartbeat({}));
    assert.equal(err.code, Code.PermissionDenied);
    assert.match(err.rawMessage, /replaced/);
  });

  it('re-enrolment with a token made for the edge rotates credentials and keeps identity and address', async () => {
    const first = await enroll('rotating');
    const plain = await grpcError(enroll('rotating', await token({ name: 'again' })));
    assert.equal(plain.code, Code.AlreadyExists, 'a plain token cannot take the name over');
    assert.match(plain.rawMessage, /already enrolled.*--reenroll/);
    const second = await enroll('rotating', await token({ name: 'again', reenrollEdgeId: first.res.edgeId }));
    assert.equal(second.res.edgeId, first.res.edgeId);
    assert.equal(second.res.wireguard!.edgeAddress, first.res.wireguard!.edgeAddress);
    await second.edge.heartbeat({});
    assert.equal((await grpcError(first.edge.heartbeat({}))).code, Code.PermissionDenied);
  });

  it('refuses enrolment once the tunnel subnet is full (RESOURCE_EXHAUSTED)', async () => {
    // 198.51.100.0/28 has 13 edge addresses; earlier tests used some of them.
    let err: ConnectError | undefined;
    for (let i = 0; i < 14 && !err; i++)
      err = await enroll(`filler-${i}`).then(
        () => undefined,
        (e) => ConnectError.from(e),
      );
    assert.equal(err?.code, Code.ResourceExhausted);
    assert.match(err!.rawMessage, /no free tunnel address/);
  });
});

it('WireGuard keys are 32-byte base64 X25519 keys', () => {
  const pair = generateWireGuardKeyPair();
  assert.equal(Buffer.from(pair.publicKey, 'base64').length, 32);
  assert.equal(Buffer.from(pair.privateKey, 'base64').length, 32);
});
