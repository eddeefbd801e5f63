/**
 * What each camera should run now (its effective assignment: the highest-priority, newest
 * deployment row that was not rolled back), per edge, and the live watchers edges keep open.
 */
import { EventEmitter } from 'node:events';
import type { ModelRepository, ModelRow } from './model-repository.js';

export interface EffectiveAssignment {
  cameraId: string;
  deploymentId: string;
  modelId: string;
  status: string;
  pinned: boolean;
  model: ModelRow;
}

export class AssignmentService {
  private readonly changes = new EventEmitter().setMaxListeners(0);

  constructor(private readonly repo: ModelRepository) {}

  async effective(cameraId: string): Promise<EffectiveAssignment | null> {
    const row = (await this.repo.history(cameraId)).find((r) => r.status !== 'rolled_back');
    if (!row) return null;
    const model = await this.repo.model(row.model_id);
    if (!model) return null;
    return {
      cameraId,
      deploymentId: row.deployment_id,
      modelId: row.model_id,
      status: row.status,
      pinned: row.pinned === 1,
      model,
    };
  }

  async forEdge(edgeId: string): Promise<EffectiveAssignment[]> {
    const out: EffectiveAssignment[] = [];
    for (const c of await this.repo.camerasOfEdge(edgeId)) {
      const a = await this.effective(c.id);
      if (a) out.push(a);
    }
    return out;
  }

  /** The last model the camera ran successfully other than `except` (rollback target). */
  async lastGood(
    cameraId: string,
    except: string,
  ): Promise<{ modelId: string; deploymentId: string } | null> {
    const rows = await this.repo.history(cameraId);
    const byTime = [...rows].sort((a, b) => b.deployed_at - a.deployed_at);
    const good = byTime.find((r) => r.status === 'activated' && r.model_id !== except);
    return good ? { modelId: good.model_id, deploymentId: good.deployment_id } : null;
  }

  notify(edgeId: string): void {
    this.changes.emit(edgeId);
  }

  async notifyCamera(cameraId: string): Promise<void> {
    const camera = await this.repo.camera(cameraId);
    if (camera) this.notify(camera.edge_id);
  }

  onChange(edgeId: string, listener: () => void): () => void {
    this.changes.on(edgeId, listener);
    return () => this.changes.off(edgeId, listener);
  }
}
