/** Training and validation loss per epoch as a small SVG chart (no chart library needed). */
export function LossCurve({
  epochs,
}: {
  epochs: { epoch: number; trainLoss: number; valLoss: number | null }[];
}) {
  if (epochs.length < 2) return null;
  const w = 320;
  const h = 120;
  const max = Math.max(...epochs.flatMap((e) => [e.trainLoss, e.valLoss ?? e.trainLoss]));
  const min = Math.min(...epochs.flatMap((e) => [e.trainLoss, e.valLoss ?? e.trainLoss]));
  const x = (i: number) => (i / (epochs.length - 1)) * (w - 10) + 5;
  const y = (v: number) => h - 5 - ((v - min) / (max - min || 1)) * (h - 10);
  const line = (k: 'trainLoss' | 'valLoss') =>
    epochs.map((e, i) => `${x(i)},${y(e[k] ?? e.trainLoss)}`).join(' ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`loss over ${epochs.length} epochs`}>
        <polyline points={line('trainLoss')} fill="none" stroke="#2563eb" stroke-width="2" />
        <polyline points={line('valLoss')} fill="none" stroke="#f79009" stroke-width="2" />
      </svg>
      <figcaption class="meta">
        <span class="key train">train</span> <span class="key val">validation</span> loss, {epochs.length}{' '}
        epochs (last {(epochs[epochs.length - 1]!.valLoss ?? epochs[epochs.length - 1]!.trainLoss).toFixed(4)}
        )
      </figcaption>
    </figure>
  );
}
