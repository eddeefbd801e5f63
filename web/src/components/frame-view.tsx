import { useEffect, useRef } from 'preact/hooks';

type Box = { x1: number; y1: number; x2: number; y2: number };
export interface Overlay {
  detections: { label: string; score: number; box: Box }[];
  /** Where findings point (a new object, the spot of a missing one): dashed, labelled by type. */
  regions: { label: string; box: Box }[];
}

/** The decrypted frame on one canvas, detected objects and finding regions on another above it. */
export function FrameView({
  bitmap,
  overlay,
  index,
}: {
  bitmap: ImageBitmap;
  overlay: Overlay;
  index: number;
}) {
  const image = useRef<HTMLCanvasElement>(null);
  const above = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    image.current!.getContext('2d')!.drawImage(bitmap, 0, 0);
    const g = above.current!.getContext('2d')!;
    g.clearRect(0, 0, bitmap.width, bitmap.height);
    g.lineWidth = 2;
    g.font = '14px sans-serif';
    for (const d of overlay.detections) {
      g.strokeStyle = g.fillStyle = d.label === 'person' ? '#ff5a5f' : '#2ec4b6';
      g.strokeRect(d.box.x1, d.box.y1, d.box.x2 - d.box.x1, d.box.y2 - d.box.y1);
      g.fillText(`${d.label} ${d.score.toFixed(2)}`, d.box.x1 + 2, Math.max(14, d.box.y1 - 4));
    }
    g.setLineDash([8, 5]);
    g.lineWidth = 3;
    for (const r of overlay.regions) {
      g.strokeStyle = g.fillStyle = '#ffd23f';
      g.strokeRect(r.box.x1 - 3, r.box.y1 - 3, r.box.x2 - r.box.x1 + 6, r.box.y2 - r.box.y1 + 6);
      g.fillText(r.label, r.box.x1, Math.min(bitmap.height - 4, r.box.y2 + 18));
    }
    g.setLineDash([]);
  }, [bitmap, overlay]);
  return (
    <figure class="frame">
      <canvas ref={image} width={bitmap.width} height={bitmap.height} data-frame={index} />
      <canvas ref={above} width={bitmap.width} height={bitmap.height} class="overlay" aria-hidden="true" />
    </figure>
  );
}
