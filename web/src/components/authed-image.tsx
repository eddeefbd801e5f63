import { useEffect, useState } from 'preact/hooks';
import { authorisedFetch } from '../api';

/** An image behind the API's bearer auth: fetched with the header, shown from a blob: URL. */
export function AuthedImage({ src, alt }: { src: string; alt: string }) {
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let u: string | undefined;
    let stop = false;
    void authorisedFetch(src)
      .then(async (r) => {
        if (!r.ok) throw new Error(r.status === 404 ? 'not built yet' : `${r.status}`);
        const blob = await r.blob();
        if (!stop) setUrl((u = URL.createObjectURL(blob)));
      })
      .catch((e: Error) => !stop && setFailed(e.message));
    return () => {
      stop = true;
      if (u) URL.revokeObjectURL(u);
    };
  }, [src]);
  if (failed)
    return (
      <p class="hint">
        {alt}: {failed}
      </p>
    );
  return url ? <img class="heatmap" src={url} alt={alt} /> : <p class="hint">Loading {alt}…</p>;
}
