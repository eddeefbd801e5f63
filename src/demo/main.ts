// `npm run demo`: the full loop on real frames, then each event's report and where its clip is.
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../logging/logger.js';
import { runFullLoop } from './full-loop.js';
import { processEnv } from '../config/process-env.js';

const dataDir = path.resolve(processEnv('demoDir') ?? 'demo-data');
const keep = process.argv.includes('--serve');
fs.rmSync(dataDir, { recursive: true, force: true });
const started = Date.now();
console.log(`User VM API demo (data in ${dataDir})\n`);
const loop = await runFullLoop({
  dataDir,
  log: createLogger({ level: 'warn', format: 'pretty' }),
  say: (line) => console.log(line),
  ...(keep ? { httpPort: 8080 } : {}),
});
const address = loop.service.http.server.address() as { port: number };
console.log(`\nEvent reports (${((Date.now() - started) / 1000).toFixed(0)} s after start):\n`);
for (const e of loop.events) {
  const r = e.report;
  console.log(`  [${r.risk.level.toUpperCase()} ${r.risk.score}] ${e.name}`);
  console.log(`    ${r.explanation}`);
  console.log(
    `    findings: ${r.findings.map((f) => f.type).join(', ') || 'none'}; incident ${r.incident?.id ?? '-'}`,
  );
  console.log(`    encrypted clip: camera-front/events/${e.eventId}/clip.mp4.age`);
  console.log(
    `      curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${address.port}/api/v1/events/${e.eventId}/clip | age -d -i ${path.join(dataDir, 'owner.key')} > clip.mjpeg\n`,
  );
}
for (const q of loop.quiet) console.log(`  (no event) ${q.name}: the edge's model saw nothing unusual`);
console.log(`\nAdmin token: ${loop.adminToken}`);
console.log(`The owner's age identity (decrypts clips and snapshots): ${path.join(dataDir, 'owner.key')}`);
if (keep) {
  console.log(
    `\nThe owner's console: http://127.0.0.1:${address.port}/ (sign in with the admin token above; on an` +
      ` event, load ${path.join(dataDir, 'owner.key')} to decrypt its snapshots and clip in the browser).` +
      `\nAPI docs at /docs. Ctrl-C to stop.`,
  );
  const stop = () => void loop.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  await loop.close();
}
