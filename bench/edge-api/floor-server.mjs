// The smallest mTLS HTTP/2 server that answers a gRPC unary call: every POST gets an empty
// message and grpc-status 0. bench/edge-api/floor.ts measures latency against it, to separate
// what the machine and Node's HTTP/2 cost from what the service adds. Usage: node floor-server.mjs
// <port> <certPem file> <keyPem file> <caPem file>
import fs from 'node:fs';
import http2 from 'node:http2';

const [port, cert, key, ca] = process.argv.slice(2);
const server = http2.createSecureServer({
  cert: fs.readFileSync(cert),
  key: fs.readFileSync(key),
  ca: [fs.readFileSync(ca)],
  requestCert: true,
  rejectUnauthorized: true,
});
const empty = Buffer.from([0, 0, 0, 0, 0]);
server.on('stream', (stream) => {
  stream.on('error', () => {});
  stream.resume();
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(empty);
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
