/** The parts of the analysis report the console shows (the API documents it as free-form). */
export interface Report {
  risk: { score: number; level: string; factors: { factor: string; effect: number }[] };
  explanation: string;
  findings: {
    type: string;
    label?: string;
    score: number;
    box?: { x1: number; y1: number; x2: number; y2: number };
    evidence?: Record<string, unknown>;
  }[];
  edgeComparison: { edgeScore: number | null; serverScore: number | null; serverThreshold: number | null };
  inputs: {
    frames: {
      width: number;
      height: number;
      detections: { label: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } }[];
    }[];
  };
}

const evidenceText = (e: Record<string, unknown> | undefined) =>
  Object.entries(e ?? {})
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

/** Findings as chips with their evidence, the risk factors and edge vs server score. */
export function ReportView({ report }: { report: Report }) {
  return (
    <>
      <ul class="chips">
        {report.findings.map((f) => (
          <li class="chip" title={evidenceText(f.evidence)}>
            {f.type.replace('_', ' ')}
            {f.label ? `: ${f.label}` : ''} ({f.score.toFixed(2)})
          </li>
        ))}
      </ul>
      <details>
        <summary>Evidence, risk factors and scores</summary>
        <ul>
          {report.findings.map((f) => (
            <li>
              {f.type.replace('_', ' ')}
              {f.label ? ` (${f.label})` : ''}: {evidenceText(f.evidence) || 'no further evidence'}
            </li>
          ))}
          {report.risk.factors.map((f) => (
            <li>
              {f.factor}: {f.effect > 0 ? '+' : ''}
              {f.effect.toFixed(1)}
            </li>
          ))}
          <li>
            edge score {report.edgeComparison.edgeScore ?? '–'}, server score{' '}
            {report.edgeComparison.serverScore ?? '–'}
            {report.edgeComparison.serverThreshold !== null
              ? ` (threshold ${report.edgeComparison.serverThreshold})`
              : ''}
          </li>
        </ul>
      </details>
    </>
  );
}
