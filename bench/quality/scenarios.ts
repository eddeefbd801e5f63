/**
 * Anomaly scenes for bench/quality, built only from *evaluation* frames (never a frame that
 * training, the baseline or a threshold saw) and real photos, with realistic sizes, soft-edged
 * blending and placement on the ground where such things stand.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { cutout } from '../../src/test-support/cutout.js';

export interface Scenario {
  group: string;
  /** The finding type that must be raised; null for a plain normal frame. */
  expect: string | null;
  /** tamper (camera) or object (scene content), for the edge model's AUROC groups. */
  kind: 'normal' | 'tamper' | 'object';
  frame: Buffer;
}

const W = 768;
const H = 576;
const jpeg = (s: Sharp) => s.jpeg({ quality: 85 }).toBuffer();

export interface Cutouts {
  person: Buffer;
  smallPerson: Buffer;
  dog: Buffer;
}

export async function loadCutouts(imagesDir: string): Promise<Cutouts> {
  const at = (f: string) => path.join(imagesDir, f);
  return {
    // Sizes as the camera sees them: a person on the lawn ~110 px tall, farther back ~80 px.
    person: await cutout(at('person.jpg'), { left: 180, top: 100, width: 100, height: 280 }, 110),
    smallPerson: await cutout(at('person.jpg'), { left: 180, top: 100, width: 100, height: 280 }, 80),
    dog: await cutout(at('dog.jpg'), { left: 120, top: 210, width: 210, height: 330 }, 60),
  };
}

const seeded = (i: number) => {
  let s = (i + 1) * 2654435761;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
};

/** Camera tampering: the classic tamper-alarm cases. */
export const TAMPER: Record<string, (frame: Buffer, i: number) => Promise<Buffer>> = {
  // A hand or cloth over most of the lens: dark, soft-edged, slightly textured.
  occluded: async (frame) => {
    const cover = Buffer.from(
      `<svg width="${W}" height="${H}"><defs><radialGradient id="g" cx="35%" cy="40%" r="75%"><stop offset="60%" stop-color="#2a2420" stop-opacity="1"/><stop offset="100%" stop-color="#2a2420" stop-opacity="0"/></radialGradient></defs><rect width="${W}" height="${H}" fill="url(#g)"/></svg>`,
    );
    return jpeg(sharp(frame).composite([{ input: cover }]));
  },
  blurred: (frame) => jpeg(sharp(frame).blur(6)),
  defocused: (frame) => jpeg(sharp(frame).resize(192, 144).resize(W, H).blur(2)),
  // Turned: shifted 48 px and rotated 4 degrees, the edges filled from the frame itself.
  moved: async (frame, i) => {
    const angle = i % 2 === 0 ? 4 : -4;
    const rotated = await sharp(frame).rotate(angle, { background: '#777' }).toBuffer();
    const zoom = { width: Math.round(W * 1.15), height: Math.round(H * 1.15) };
    return jpeg(
      sharp(await sharp(rotated).resize(zoom.width, zoom.height, { fit: 'fill' }).toBuffer()).extract({
        left: Math.round((zoom.width - W) / 2) + 40,
        top: Math.round((zoom.height - H) / 2) + 20,
        width: W,
        height: H,
      }),
    );
  },
  too_dark: (frame) => jpeg(sharp(frame).linear(0.18, 0)),
  glare: async (frame) => {
    const flare = Buffer.from(
      `<svg width="${W}" height="${H}"><defs><radialGradient id="g" cx="60%" cy="35%" r="60%"><stop offset="0%" stop-color="#fff" stop-opacity="1"/><stop offset="100%" stop-color="#fff" stop-opacity="0.15"/></radialGradient></defs><rect width="${W}" height="${H}" fill="url(#g)"/></svg>`,
    );
    return jpeg(sharp(frame).composite([{ input: flare, blend: 'screen' }]));
  },
};

/** Things in the scene that should not be there (or are missing). */
export function objectScenes(
  c: Cutouts,
): Record<string, { expect: string; make: (f: Buffer, i: number) => Promise<Buffer> }> {
  return {
    dog_on_lawn: {
      expect: 'new_object',
      make: (f, i) => {
        const r = seeded(i);
        return jpeg(
          sharp(f).composite([
            { input: c.dog, left: 150 + Math.round(r() * 400), top: 440 + Math.round(r() * 60) },
          ]),
        );
      },
    },
    crowd: {
      expect: 'abnormal_count',
      make: (f, i) => {
        const r = seeded(i);
        const people = Array.from({ length: 14 }, (_, k) => ({
          input: c.smallPerson,
          left: 40 + ((k * 53 + Math.round(r() * 20)) % 680),
          top: 300 + Math.round(r() * 40) + (k % 3) * 30,
        }));
        return jpeg(sharp(f).composite(people));
      },
    },
    people_on_lawn: {
      expect: 'unusual_position',
      make: (f, i) => {
        const r = seeded(i);
        const n = 1 + (i % 2);
        return jpeg(
          sharp(f).composite(
            Array.from({ length: n }, () => ({
              input: c.person,
              // The left part of the lawn, where nobody walks in the training footage (people
              // do cross its right end, by the footpath).
              left: 100 + Math.round(r() * 320),
              top: 420 + Math.round(r() * 40),
            })),
          ),
        );
      },
    },
    van_gone: {
      expect: 'missing_object',
      make: async (f) => {
        // The parked white van (top right) painted over with the road beside it, feathered.
        const patch = await sharp(f).extract({ left: 560, top: 30, width: 84, height: 75 }).toBuffer();
        return jpeg(sharp(f).composite([{ input: patch, left: 641, top: 30 }]));
      },
    },
  };
}

export async function buildScenarios(
  evalFrames: Buffer[],
  imagesDir: string,
  perGroup: number,
): Promise<Scenario[]> {
  const out: Scenario[] = evalFrames.map((frame) => ({
    group: 'normal',
    expect: null,
    kind: 'normal',
    frame,
  }));
  const pick = (i: number) => evalFrames[(i * 7) % evalFrames.length]!;
  for (const [group, make] of Object.entries(TAMPER))
    for (let i = 0; i < perGroup; i++)
      out.push({ group, expect: 'scene_change', kind: 'tamper', frame: await make(pick(i), i) });
  const cut = await loadCutouts(imagesDir);
  for (const [group, s] of Object.entries(objectScenes(cut)))
    for (let i = 0; i < perGroup; i++)
      out.push({ group, expect: s.expect, kind: 'object', frame: await s.make(pick(i + 3), i) });
  return out;
}

export async function readFrames(dir: string, files: string[]): Promise<Buffer[]> {
  return Promise.all(files.map((f) => readFile(path.join(dir, f))));
}
