import sharp from 'sharp';

/** Mean brightness (0..1) and its spread over a small grey version of the frame. */
export async function brightness(image: Uint8Array): Promise<{ mean: number; std: number }> {
  const { data } = await sharp(image)
    .rotate()
    .greyscale()
    .resize(64, 48, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { mean: mean / 255, std: Math.sqrt(sq / data.length) / 255 };
}

/** day/night from the edge's conditions when given, else from how dark the frames are. */
export function lightOf(conditions: Record<string, string> | null, meanBrightness: number): string {
  const given = conditions?.light?.trim().toLowerCase();
  if (given) return given;
  return meanBrightness < 0.22 ? 'night' : 'day';
}
