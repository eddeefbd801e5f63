import { useEffect, useRef, useState } from 'preact/hooks';
import type { Clip } from '../clip';

/** Plays a decrypted clip from memory: MP4 in <video>, motion JPEG frame by frame with a slider. */
export function ClipPlayer({ clip }: { clip: Clip }) {
  if (clip.kind === 'mp4') return <Mp4 blob={clip.blob} />;
  return <Mjpeg frames={clip.frames} />;
}

function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) return;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

function Mp4({ blob }: { blob: Blob }) {
  const url = useObjectUrl(blob);
  return url ? <video class="clip" src={url} controls playsInline data-clip="mp4" /> : null;
}

const FPS = 4;

function Mjpeg({ frames }: { frames: Blob[] }) {
  const [at, setAt] = useState(0);
  const [playing, setPlaying] = useState(true);
  const url = useObjectUrl(frames[at]);
  const timer = useRef<ReturnType<typeof setInterval>>();
  useEffect(() => {
    if (!playing) return;
    timer.current = setInterval(() => setAt((n) => (n + 1) % frames.length), 1000 / FPS);
    return () => clearInterval(timer.current);
  }, [playing, frames]);
  return (
    <div class="clip" data-clip="mjpeg" data-frames={frames.length}>
      {url && <img src={url} alt={`clip frame ${at + 1} of ${frames.length}`} data-clip-frame={at} />}
      <div class="clip-controls">
        <button type="button" class="secondary" onClick={() => setPlaying(!playing)}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          min={0}
          max={frames.length - 1}
          value={at}
          aria-label="clip position"
          onInput={(e) => (setPlaying(false), setAt(Number((e.target as HTMLInputElement).value)))}
        />
        <span class="meta">
          {at + 1} / {frames.length}
        </span>
      </div>
    </div>
  );
}
