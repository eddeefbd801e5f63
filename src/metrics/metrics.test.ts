import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ServiceMetrics } from './metrics.js';
import { LatestTelemetry } from '../telemetry/latest-telemetry.js';
import { registerEdgeMetrics } from './edge-metrics.js';

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

async function sampleText(): Promise<string> {
  const metrics = new ServiceMetrics('1.2.3');
  metrics.httpDuration.labels('GET', '/healthz', '200').observe(0.01);
  metrics.jobRuns.labels('test', 'succeeded').inc();
  metrics.jobDuration.labels('test').observe(1.5);
  metrics.dependencyUp.labels('database').set(1);
  metrics.gauge('uservm_jobs', 'Jobs by status.', ['type', 'status'], (g) =>
    g.labels('test', 'queued').set(3),
  );
  const latest = new LatestTelemetry();
  latest.set('edge-1', {
    at: 1_700_000_000_000,
    cpuPercent: 50,
    memoryUsedBytes: 1,
    memoryTotalBytes: 2,
    diskUsedBytes: 3,
    diskTotalBytes: 4,
    eventQueueLength: 0,
    temperaturesC: { soc: 51 },
    cameras: new Map([['cam-1', { online: true, fps: 10, inferenceLatencyMs: 20, triggerRatePerHour: 2 }]]),
  });
  registerEdgeMetrics(metrics, latest);
  return (await metrics.render()).body;
}

describe('ServiceMetrics', () => {
  it('follows Prometheus naming: only counters end in _total', async () => {
    const text = await sampleText();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
    assert.ok(types.length > 10);
    for (const { name, type } of types) if (name.endsWith('_total')) assert.equal(type, 'counter', name);
    assert.match(text, /^uservm_jobs\{type="test",status="queued"\} 3$/m);
    assert.match(text, /^uservm_camera_up\{edge="edge-1",camera="cam-1"\} 1$/m);
    assert.match(text, /^uservm_edge_cpu_ratio\{edge="edge-1"\} 0\.5$/m);
    assert.match(text, /^uservm_camera_inference_latency_seconds\{edge="edge-1",camera="cam-1"\} 0\.02$/m);
    assert.match(text, /^uservm_build_info\{version="1.2.3",node_version="v\d+/m);
  });

  it(
    'passes `promtool check metrics` (runs where promtool is installed: CI)',
    { skip: !hasPromtool && 'promtool not installed' },
    async () => {
      const result = spawnSync('promtool', ['check', 'metrics'], {
        input: await sampleText(),
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    },
  );
});
