import sharp from 'sharp';

export interface FrameFeatures {
  /** Mean brightness 0..1 and its spread (a covered lens gives a tiny spread). */
  mean: number;
  std: number;
  /** Mean absolute Laplacian of the grey frame at 384 px wide, 0..1: falls when the view blurs. */
  sharpness: number;
  /** Share of pixels at or near full white (glare, a washed-out picture). */
  saturated: number;
}

/** The picture statistics the camera-tamper checks compare with the baseline's. */
export async function frameFeatures(image: Uint8Array): Promise<FrameFeatures> {
  const W = 384;
  const H = 288;
  const data = await sharp(image).rotate().greyscale().resize(W, H, { fit: 'fill' }).raw().toBuffer();
  let sum = 0;
  let saturated = 0;
  for (const v of data) {
    sum += v;
    if (v >= 250) saturated++;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  let lap = 0;
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      lap += Math.abs(4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - W]! - data[i + W]!);
    }
  return {
    mean: mean / 255,
    std: Math.sqrt(sq / data.length) / 255,
    sharpness: lap / ((W - 2) * (H - 2) * 255),
    saturated: saturated / data.length,
  };
}

/** day/night from the edge's conditions when given, else from how dark the frames are. */
export function lightOf(conditions: Record<string, string> | null, meanBrightness: number): string {
  const given = conditions?.light?.trim().toLowerCase();
  if (given) return given;
  return meanBrightness < 0.22 ? 'night' : 'day';
}
