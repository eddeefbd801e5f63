import { distribution, type Distribution } from './baseline-stats.js';

/**
 * What the camera's normal pictures look like, for the camera-tamper checks: how sharp they are,
 * how bright per light condition, how much of them is blown out. Built from every normal snapshot.
 */
export interface SceneReference {
  snapshots: number;
  sharpness: Distribution;
  saturated: Distribution;
  /** Mean brightness per light condition ('any' for all snapshots). */
  brightness: Record<string, Distribution>;
}

export interface SnapshotPicture {
  light: string | null;
  mean: number;
  sharpness: number;
  saturated: number;
}

export function buildSceneReference(pictures: SnapshotPicture[]): SceneReference {
  const lights = [...new Set(pictures.map((p) => p.light).filter((l): l is string => l !== null))];
  return {
    snapshots: pictures.length,
    sharpness: distribution(pictures.map((p) => p.sharpness)),
    saturated: distribution(pictures.map((p) => p.saturated)),
    brightness: Object.fromEntries([
      ['any', distribution(pictures.map((p) => p.mean))],
      ...lights.map((l) => [l, distribution(pictures.filter((p) => p.light === l).map((p) => p.mean))]),
    ]),
  };
}
