/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes (the last one shorter), copying only
 * when a piece spans input chunks. Holds at most one piece.
 */
export async function* rechunk(input: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let held = 0;
  for await (let data of input) {
    while (data.length > 0) {
      if (held === 0 && data.length >= size) {
        yield data.subarray(0, size);
        data = data.subarray(size);
        continue;
      }
      const take = Math.min(size - held, data.length);
      parts.push(data.subarray(0, take));
      held += take;
      data = data.subarray(take);
      if (held === size) {
        yield Buffer.concat(parts, held);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}
