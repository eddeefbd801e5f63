/** The figures bench/quality prints: recall per scenario, false findings on normal frames, edge AUROC. */
import type { Scenario } from './scenarios.js';

export interface Outcome extends Scenario {
  findings: string[];
  /** type:label (or type:subtype) of each finding. */
  details: string[];
  level: string;
  edgeScore: number;
}

/** Area under the ROC curve: the chance that a random positive scores above a random negative. */
export function auroc(positives: number[], negatives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const q of negatives) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / Math.max(1, positives.length * negatives.length);
}

/** A 95 % Wilson interval for k of n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const pct = (k: number, n: number) => `${k}/${n} (${((100 * k) / Math.max(1, n)).toFixed(0)} %)`;
const percentile = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? 0;

export function printQuality(outcomes: Outcome[], threshold: number, latenciesMs: number[]): void {
  const normal = outcomes.filter((o) => o.kind === 'normal');
  const anomalies = outcomes.filter((o) => o.kind !== 'normal');
  const withAny = normal.filter((o) => o.findings.length > 0).length;
  const alerted = normal.filter((o) => o.level === 'warning' || o.level === 'critical').length;
  const [lo, hi] = wilson(withAny, normal.length);
  console.log('\nnormal evaluation frames (out of sample)');
  console.log(
    `  with any finding          ${pct(withAny, normal.length)}  (95 % CI ${(100 * lo).toFixed(0)}-${(100 * hi).toFixed(0)} %)  target <= 5 %`,
  );
  console.log(`  rated warning or critical ${pct(alerted, normal.length)}  target <= 2 %`);
  const types = [...new Set(normal.flatMap((o) => o.findings))].sort();
  for (const t of types) {
    const labels = normal
      .flatMap((o) => o.details)
      .filter((d) => d.startsWith(`${t}:`))
      .map((d) => d.slice(t.length + 1) || '-');
    const byLabel = [...new Set(labels)].map((l) => `${l} ${labels.filter((x) => x === l).length}`);
    const share = pct(normal.filter((o) => o.findings.includes(t)).length, normal.length);
    console.log(`    ${t.padEnd(22)} ${share.padEnd(12)} (${byLabel.join(', ')})`);
  }

  console.log('\nanomaly scenes: expected finding raised (target >= 90 % each)');
  const groups = [...new Set(anomalies.map((o) => o.group))];
  for (const g of groups) {
    const set = anomalies.filter((o) => o.group === g);
    const hit = set.filter((o) => o.findings.includes(o.expect!)).length;
    const other = [...new Set(set.flatMap((o) => o.findings))].filter((t) => t !== set[0]!.expect).join(', ');
    console.log(
      `  ${g.padEnd(16)} ${set[0]!.expect!.padEnd(17)} ${pct(hit, set.length).padEnd(12)} ${other ? `also: ${other}` : ''}`,
    );
  }

  console.log(`\nedge model (its own score, threshold ${threshold.toExponential(3)})`);
  const neg = normal.map((o) => o.edgeScore);
  const fires = neg.filter((s) => s > threshold).length;
  const [flo, fhi] = wilson(fires, neg.length);
  console.log(
    `  false triggers on normal frames ${pct(fires, neg.length)} (95 % CI ${(100 * flo).toFixed(0)}-${(100 * fhi).toFixed(0)} %)  target <= 5 %`,
  );
  const tamper = anomalies.filter((o) => o.kind === 'tamper').map((o) => o.edgeScore);
  console.log(`  AUROC tampering vs normal       ${auroc(tamper, neg).toFixed(3)}  target >= 0.95`);
  console.log(
    `  AUROC all anomalies vs normal   ${auroc(
      anomalies.map((o) => o.edgeScore),
      neg,
    ).toFixed(3)}  target >= 0.90`,
  );
  for (const g of groups) {
    const set = anomalies.filter((o) => o.group === g);
    const caught = set.filter((o) => o.edgeScore > threshold).length;
    console.log(
      `    ${g.padEnd(16)} AUROC ${auroc(
        set.map((o) => o.edgeScore),
        neg,
      ).toFixed(3)}  over threshold ${pct(caught, set.length)}`,
    );
  }
  console.log(
    `\nanalysis of one-frame events: p50 ${(percentile(latenciesMs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(latenciesMs, 99) / 1000).toFixed(2)} s (two at a time)`,
  );
}
