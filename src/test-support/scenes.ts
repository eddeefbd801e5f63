/**
 * Event frames with known anomalies, made from real frames of the vtest camera
 * (test/fixtures/vtest-baseline) and real photos (test/fixtures/images): an object pasted where it
 * never is, the parked van removed, the picture darkened for night, the lens covered, a crowd.
 * Used by the analysis tests and bench/analysis.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const dir = (p: string) => fileURLToPath(new URL(`../../test/fixtures/${p}/`, import.meta.url));

export interface SceneKit {
  frames: Buffer[];
  person: Buffer;
  smallPerson: Buffer;
  bus: Buffer;
}

export async function loadSceneKit(): Promise<SceneKit> {
  const files = (await readdir(dir('vtest-baseline'))).filter((f) => f.endsWith('.jpg')).sort();
  const frames = await Promise.all(files.map((f) => readFile(dir('vtest-baseline') + f)));
  const images = dir('images');
  const person = await sharp(images + 'person.jpg')
    .extract({ left: 180, top: 100, width: 100, height: 280 })
    .resize(40, 112)
    .toBuffer();
  return {
    frames,
    person,
    smallPerson: await sharp(person).resize(30, 84).toBuffer(),
    bus: await sharp(images + 'bus.jpg')
      .extract({ left: 67, top: 122, width: 411, height: 272 })
      .resize(240, 160)
      .toBuffer(),
  };
}

const jpeg = (s: ReturnType<typeof sharp>) => s.jpeg({ quality: 90 }).toBuffer();

/** A person standing on the lawn (bottom of the view), where people never are; left = x position. */
export function personOnLawn(kit: SceneKit, frame: Buffer, left = 300): Promise<Buffer> {
  return jpeg(sharp(frame).composite([{ input: kit.person, left, top: 430 }]));
}

/** The same at night: the scene darkened, the person lit a little. */
export async function personOnLawnAtNight(kit: SceneKit, frame: Buffer, left = 300): Promise<Buffer> {
  const dark = await sharp(frame).linear(0.3, 0).toBuffer();
  return jpeg(
    sharp(dark).composite([{ input: await sharp(kit.person).linear(0.6, 0).toBuffer(), left, top: 430 }]),
  );
}

export function busOnLawn(kit: SceneKit, frame: Buffer): Promise<Buffer> {
  return jpeg(sharp(frame).composite([{ input: kit.bus, left: 380, top: 400 }]));
}

/** The parked white van top-right painted over with the road next to it. */
export async function vanRemoved(frame: Buffer): Promise<Buffer> {
  const patch = await sharp(frame).extract({ left: 560, top: 30, width: 84, height: 75 }).toBuffer();
  return jpeg(sharp(frame).composite([{ input: patch, left: 641, top: 30 }]));
}

/** 24 people standing in rows across the lawn and footpath. */
export function crowd(kit: SceneKit, frame: Buffer): Promise<Buffer> {
  const people = Array.from({ length: 24 }, (_, i) => ({
    input: kit.smallPerson,
    left: 10 + (i % 8) * 95,
    top: 330 + Math.floor(i / 8) * 85,
  }));
  return jpeg(sharp(frame).composite(people));
}

/** The lens covered: an almost uniform dark grey picture. */
export function lensCovered(): Promise<Buffer> {
  return jpeg(
    sharp({ create: { width: 768, height: 576, channels: 3, background: { r: 38, g: 36, b: 40 } } }),
  );
}

/** The most recent past moment at this local time of day (events must not be in the future). */
export function recentAt(hour: number, minute: number): number {
  const d = new Date();
  d.setHours(hour, minute, 0, 0);
  if (d.getTime() > Date.now() - 60_000) d.setDate(d.getDate() - 1);
  return d.getTime();
}
