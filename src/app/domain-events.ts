import { EventEmitter } from 'node:events';
import type { CameraReadiness } from '../db/tables.js';

/**
 * In-process bus for things capabilities react to (e.g. training starts when a camera becomes
 * ready_for_training). Typed so a subscriber cannot misspell an event or its fields.
 */
export interface DomainEvents {
  'camera.readiness_changed': {
    cameraId: string;
    edgeId: string;
    from: CameraReadiness | null;
    to: CameraReadiness;
  };
  'edge.enrolled': { edgeId: string; name: string; reenrolled: boolean };
  'edge.revoked': { edgeId: string; name: string; reason: string | null };
  'dataset.updated': { datasetId: string; cameraId: string; accepted: number };
  'model.trained': { modelId: string; cameraId: string; trainingJobId: string; retraining: boolean };
}

export class DomainEventBus {
  private readonly emitter = new EventEmitter();

  publish<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends keyof DomainEvents>(name: K, handler: (payload: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, handler);
    return () => this.emitter.off(name, handler);
  }
}
