/**
 * Whether an edge can run a model, from the capabilities it reported at capability sync. Each
 * problem is a reason an owner can act on ("edge runs opset 13 at most; the model needs 17").
 */
export interface EdgeCapabilities {
  runtimes?: string[];
  maxOpset?: number;
  maxModelBytes?: number | string;
  inputSizes?: string[];
}

export interface ModelRequirements {
  format: string;
  opset: number | null;
  size: number;
  /** "WIDTHxHEIGHT" */
  inputSize: string | null;
}

export interface VersionRange {
  min?: string;
  max?: string;
}

function compareSemver(a: string, b: string): number {
  const pa = a
    .split(/[.+-]/)
    .slice(0, 3)
    .map((x) => Number.parseInt(x, 10) || 0);
  const pb = b
    .split(/[.+-]/)
    .slice(0, 3)
    .map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

export function incompatibilities(
  model: ModelRequirements,
  caps: EdgeCapabilities | null,
  softwareVersion: string | null,
  range: VersionRange = {},
): string[] {
  const reasons: string[] = [];
  if (!caps) return ['the edge has not reported its runtime capabilities yet (SyncCapabilities)'];
  if (model.format === 'onnx' && caps.runtimes && !caps.runtimes.some((r) => /onnx|openvino/i.test(r))) {
    reasons.push(`the edge has no ONNX runtime (it reports ${caps.runtimes.join(', ') || 'none'})`);
  }
  if (model.opset !== null && caps.maxOpset && model.opset > caps.maxOpset) {
    reasons.push(`the edge runs ONNX opset ${caps.maxOpset} at most; the model needs ${model.opset}`);
  }
  const maxBytes = Number(caps.maxModelBytes ?? 0);
  if (maxBytes > 0 && model.size > maxBytes)
    reasons.push(`the model is ${model.size} bytes; the edge accepts ${maxBytes} at most`);
  if (
    model.inputSize &&
    caps.inputSizes &&
    caps.inputSizes.length > 0 &&
    !caps.inputSizes.includes(model.inputSize)
  ) {
    reasons.push(
      `the edge supports inputs ${caps.inputSizes.join(', ')}; the model takes ${model.inputSize}`,
    );
  }
  if (range.min || range.max) {
    if (!softwareVersion) reasons.push('the edge has not reported its software version');
    else {
      if (range.min && compareSemver(softwareVersion, range.min) < 0)
        reasons.push(`edge software ${softwareVersion} is older than the required ${range.min}`);
      if (range.max && compareSemver(softwareVersion, range.max) > 0)
        reasons.push(`edge software ${softwareVersion} is newer than the supported ${range.max}`);
    }
  }
  return reasons;
}
