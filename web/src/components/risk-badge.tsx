export function RiskBadge({
  score,
  level,
  status,
}: {
  score: number | null;
  level: string | null;
  status: string;
}) {
  if (score === null || level === null) return <span class="badge pending">{status}</span>;
  return (
    <span class={`badge ${level}`} title={`risk ${Math.round(score)} / 100`}>
      {level.replace('_', ' ')} {Math.round(score)}
    </span>
  );
}
