import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { CameraModelsTable, DeploymentsTable, ModelsTable } from '../db/tables.js';
import { transactor, type Transactor } from '../db/transaction.js';

export type ModelRow = Selectable<ModelsTable>;
export type DeploymentRow = Selectable<DeploymentsTable>;
export type AssignmentRow = Selectable<CameraModelsTable>;

/** Models, deployments and per-camera assignments (camera_models: one row per camera and deployment). */
export class ModelRepository {
  /** Several writes through this repository (and the audit log) as one. */
  readonly transaction: Transactor;

  constructor(private readonly db: Db) {
    this.transaction = transactor(db);
  }

  model(id: string): Promise<ModelRow | undefined> {
    return this.db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  }

  models(filter: { cameraId?: string; kind?: string; status?: string }): Promise<ModelRow[]> {
    let q = this.db.selectFrom('models').selectAll().orderBy('created_at', 'desc');
    if (filter.cameraId) q = q.where('camera_id', '=', filter.cameraId);
    if (filter.kind) q = q.where('kind', '=', filter.kind as ModelRow['kind']);
    if (filter.status) q = q.where('status', '=', filter.status as ModelRow['status']);
    return q.execute();
  }

  /** The camera's edge model for scoring: the active one (deployed), else the newest ready one. */
  async scoringModelFor(cameraId: string): Promise<{ id: string; version: string } | undefined> {
    return this.db
      .selectFrom('models')
      .select(['id', 'version'])
      .where('camera_id', '=', cameraId)
      .where('kind', '=', 'cae')
      .where('status', 'in', ['active', 'ready'])
      .orderBy((eb) => eb.case().when('status', '=', 'active').then(0).else(1).end())
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** Versions already used for this camera's CAE models (training picks the next one). */
  async cameraModelVersions(cameraId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('models')
      .select('version')
      .where('camera_id', '=', cameraId)
      .where('kind', '=', 'cae')
      .execute();
    return rows.map((r) => r.version);
  }

  async scoringParameters(id: string) {
    return this.db
      .selectFrom('models')
      .select(['version', 'threshold', 'metadata'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async insertModel(row: Insertable<ModelsTable>): Promise<void> {
    await this.db.insertInto('models').values(row).execute();
  }

  async setModelStatus(id: string, status: ModelRow['status'], db: Db = this.db): Promise<void> {
    await db.updateTable('models').set({ status }).where('id', '=', id).execute();
  }

  async deleteModel(id: string): Promise<void> {
    await this.db.deleteFrom('models').where('id', '=', id).execute();
  }

  deployment(id: string): Promise<DeploymentRow | undefined> {
    return this.db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  deployments(filter: { status?: string; limit: number }): Promise<DeploymentRow[]> {
    let q = this.db.selectFrom('deployments').selectAll().orderBy('created_at', 'desc').limit(filter.limit);
    if (filter.status) q = q.where('status', '=', filter.status);
    return q.execute();
  }

  async insertDeployment(row: Insertable<DeploymentsTable>, db: Db = this.db): Promise<void> {
    await db.insertInto('deployments').values(row).execute();
  }

  async updateDeployment(
    id: string,
    status: string,
    reason: string | null,
    now: number,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable('deployments')
      .set({ status, reason, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async upsertAssignment(row: Insertable<CameraModelsTable>, db: Db = this.db): Promise<void> {
    await db
      .insertInto('camera_models')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['camera_id', 'deployment_id'])
          .doUpdateSet({ status: row.status, reason: row.reason ?? null, updated_at: row.updated_at }),
      )
      .execute();
  }

  async setAssignment(
    cameraId: string,
    deploymentId: string,
    changes: {
      status?: AssignmentRow['status'];
      reason?: string | null;
      health?: string | null;
      pinned?: 0 | 1;
    },
    now: number,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable('camera_models')
      .set({ ...changes, updated_at: now })
      .where('camera_id', '=', cameraId)
      .where('deployment_id', '=', deploymentId)
      .execute();
  }

  /**
   * Marks an assignment rolled back unless it already is; false when another rollback (manual or
   * automatic, at the same moment) got there first, so a camera is rolled back once.
   */
  /** Marks a deployment rolled back unless it already is; false when another call did first. */
  async claimDeploymentRollback(id: string, reason: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('deployments')
      .set({ status: 'rolled_back', reason, updated_at: now })
      .where('id', '=', id)
      .where('status', '!=', 'rolled_back')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async claimRollback(cameraId: string, deploymentId: string, reason: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('camera_models')
      .set({ status: 'rolled_back', reason, updated_at: now })
      .where('camera_id', '=', cameraId)
      .where('deployment_id', '=', deploymentId)
      .where('status', '!=', 'rolled_back')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /** The camera's rows with their deployment's priority and time, most effective first. */
  async history(cameraId: string) {
    return this.db
      .selectFrom('camera_models')
      .innerJoin('deployments', 'deployments.id', 'camera_models.deployment_id')
      .select([
        'camera_models.camera_id',
        'camera_models.deployment_id',
        'camera_models.model_id',
        'camera_models.status',
        'camera_models.reason',
        'camera_models.health',
        'camera_models.pinned',
        'camera_models.updated_at',
        'deployments.priority',
        'deployments.created_at as deployed_at',
      ])
      .where('camera_models.camera_id', '=', cameraId)
      .orderBy('deployments.priority', 'desc')
      .orderBy('deployments.created_at', 'desc')
      .orderBy('deployments.id', 'desc')
      .execute();
  }

  assignmentsOfDeployment(deploymentId: string): Promise<AssignmentRow[]> {
    return this.db
      .selectFrom('camera_models')
      .selectAll()
      .where('deployment_id', '=', deploymentId)
      .orderBy('camera_id')
      .execute();
  }

  /** Whether any camera's effective assignment uses the model (deletion is refused then). */
  async inUse(modelId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('camera_models')
      .select('camera_id')
      .where('model_id', '=', modelId)
      .where('status', '!=', 'rolled_back')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Cameras that ever had a model assigned. */
  async camerasWithModels(): Promise<string[]> {
    return (
      await this.db.selectFrom('camera_models').select('camera_id').distinct().orderBy('camera_id').execute()
    ).map((r) => r.camera_id);
  }

  camerasOfEdge(edgeId: string) {
    return this.db
      .selectFrom('cameras')
      .select(['id', 'edge_id'])
      .where('edge_id', '=', edgeId)
      .orderBy('id')
      .execute();
  }

  camera(id: string) {
    return this.db.selectFrom('cameras').select(['id', 'edge_id']).where('id', '=', id).executeTakeFirst();
  }

  allCameras() {
    return this.db.selectFrom('cameras').select(['id', 'edge_id', 'name']).orderBy('id').execute();
  }

  edge(id: string) {
    return this.db
      .selectFrom('edges')
      .select(['id', 'capabilities', 'software_version', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
