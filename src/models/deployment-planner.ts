/**
 * Works out what a deployment request means camera by camera: the target cameras (a list, an
 * edge, or a glob on id or name), which are skipped (pinned to another version), which are refused
 * and why (their edge cannot run the model), and the canary / pending split of a staged rollout.
 */
import { AppError } from '../errors/app-error.js';
import type { AssignmentService } from './assignment-service.js';
import { incompatibilities, type EdgeCapabilities, type VersionRange } from './compatibility.js';
import type { ModelRepository, ModelRow } from './model-repository.js';

export interface DeploymentTarget {
  cameras?: string[];
  edgeId?: string;
  /** Glob on camera id or name, e.g. "garden-*". */
  match?: string;
}

export interface DeploymentInput {
  modelId: string;
  target: DeploymentTarget;
  strategy: 'all_at_once' | 'staged';
  canaryShare?: number;
  soakSeconds?: number;
  abortFailureShare?: number;
  priority?: number;
  /** Pin the cameras to this version: later deployments pass them by. */
  pin?: boolean;
  softwareVersion?: VersionRange;
}

export interface DeploymentPlan {
  request: DeploymentInput;
  accepted: string[];
  refused: { cameraId: string; reasons: string[] }[];
  skipped: { cameraId: string; reason: string }[];
  canary: string[];
  pending: string[];
}

/** Shell-style glob: `*`, `?` and `[...]` classes. */
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

export class DeploymentPlanner {
  constructor(
    private readonly repo: ModelRepository,
    private readonly assignments: AssignmentService,
  ) {}

  async plan(input: DeploymentInput, model: ModelRow): Promise<DeploymentPlan> {
    const cameras = await this.targetCameras(input.target);
    const plan: DeploymentPlan = {
      request: input,
      accepted: [],
      refused: [],
      skipped: [],
      canary: [],
      pending: [],
    };
    for (const cameraId of cameras) {
      const current = await this.assignments.effective(cameraId);
      if (current?.pinned && current.modelId !== model.id) {
        plan.skipped.push({
          cameraId,
          reason: `pinned to model ${current.modelId} (version ${current.model.version})`,
        });
        continue;
      }
      const reasons = await this.check(model, cameraId, input.softwareVersion);
      if (reasons.length) plan.refused.push({ cameraId, reasons });
      else plan.accepted.push(cameraId);
    }
    if (input.strategy === 'staged') {
      const n = Math.max(1, Math.ceil(plan.accepted.length * input.canaryShare!));
      plan.canary = plan.accepted.slice(0, n);
      plan.pending = plan.accepted.slice(n);
    } else plan.canary = [...plan.accepted];
    return plan;
  }

  private async targetCameras(t: DeploymentTarget): Promise<string[]> {
    const given = [t.cameras !== undefined, t.edgeId !== undefined, t.match !== undefined].filter(
      Boolean,
    ).length;
    if (given !== 1)
      throw new AppError(
        'validation_failed',
        'target exactly one of: cameras (a list), edgeId, match (a pattern)',
      );
    if (t.cameras) {
      if (t.cameras.length === 0) throw new AppError('validation_failed', 'target.cameras is empty');
      for (const id of t.cameras)
        if (!(await this.repo.camera(id))) throw new AppError('not_found', `camera ${id} does not exist`);
      return [...new Set(t.cameras)].sort();
    }
    if (t.edgeId) {
      if (!(await this.repo.edge(t.edgeId)))
        throw new AppError('not_found', `edge ${t.edgeId} does not exist`);
      return (await this.repo.camerasOfEdge(t.edgeId)).map((c) => c.id);
    }
    const re = globToRegExp(t.match!);
    return (await this.repo.allCameras()).filter((c) => re.test(c.id) || re.test(c.name)).map((c) => c.id);
  }

  private async check(model: ModelRow, cameraId: string, range: VersionRange | undefined): Promise<string[]> {
    const reasons: string[] = [];
    if (model.camera_id && model.camera_id !== cameraId)
      reasons.push(`the model was trained for camera ${model.camera_id}`);
    const camera = await this.repo.camera(cameraId);
    const edge = camera ? await this.repo.edge(camera.edge_id) : undefined;
    if (!edge || edge.status !== 'active') return [...reasons, 'the camera has no active edge'];
    const shape = model.input_shape ? (JSON.parse(model.input_shape) as unknown[]) : null;
    const inputSize = shape && shape.length === 4 ? `${String(shape[3])}x${String(shape[2])}` : null;
    const caps = edge.capabilities ? (JSON.parse(edge.capabilities) as EdgeCapabilities | null) : null;
    return [
      ...reasons,
      ...incompatibilities(
        { format: model.format, opset: model.opset, size: model.size, inputSize },
        caps,
        edge.software_version,
        range,
      ),
    ];
  }
}
