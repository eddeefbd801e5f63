import sharp, { type Region } from 'sharp';

/** A cut-out with an elliptical, feathered alpha: pasted, it has no rectangular seam. */
export async function cutout(file: string, crop: Region, height: number): Promise<Buffer> {
  const width = Math.round((crop.width / crop.height) * height);
  const mask = Buffer.from(
    `<svg width="${width}" height="${height}"><defs><radialGradient id="g"><stop offset="70%" stop-color="#fff"/><stop offset="100%" stop-color="#000"/></radialGradient></defs><rect width="${width}" height="${height}" fill="#000"/><ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 2}" ry="${height / 2}" fill="url(#g)"/></svg>`,
  );
  // Raw buffers in two steps: sharp orders a pipeline's operations itself, so removeAlpha and
  // joinChannel on one pipeline would drop the alpha just joined.
  const alpha = await sharp(mask).flatten().extractChannel(0).raw().toBuffer();
  const rgb = await sharp(file)
    .extract(crop)
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}
