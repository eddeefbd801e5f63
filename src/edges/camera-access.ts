import { AppError } from '../errors/app-error.js';
import type { CameraRepository } from './camera-repository.js';
import type { EdgeIdentity } from './edge-identity.js';
import { assertCameraId } from './names.js';

/**
 * The one check every camera-scoped edge call makes: the camera is in the edge's allowed list (if
 * it has one), was reported by this edge, and is not blocked. Another edge's camera is refused.
 */
export class CameraAccess {
  constructor(private readonly cameras: CameraRepository) {}

  async assertAllowed(identity: EdgeIdentity, cameraId: string): Promise<void> {
    assertCameraId(cameraId);
    if (identity.allowedCameras && !identity.allowedCameras.includes(cameraId)) {
      throw new AppError(
        'camera_not_allowed',
        `edge ${identity.name} may not use camera ${cameraId} (not in its allowed cameras)`,
        { cameraId },
      );
    }
    const camera = await this.cameras.get(cameraId);
    if (!camera)
      throw new AppError(
        'camera_not_allowed',
        `camera ${cameraId} is unknown; report it with SyncCapabilities first`,
        { cameraId },
      );
    if (camera.edge_id !== identity.edgeId)
      throw new AppError('camera_not_allowed', `camera ${cameraId} belongs to another edge`, { cameraId });
    if (camera.allowed !== 1)
      throw new AppError('camera_not_allowed', `camera ${cameraId} is blocked by an administrator`, {
        cameraId,
      });
  }
}
