import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Loads data for a page and reloads it on demand; a reload that finishes after a newer one
 * started is dropped, so a slow answer never overwrites a fresher one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    return load().then(
      (d) => mine === generation.current && (setData(d), setError(null)),
      (e: Error) => mine === generation.current && setError(e.message),
    );
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setError };
}

export const isAdmin = () => sessionStorage.getItem('uservm.role') === 'admin';

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');

export function bytesText(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
