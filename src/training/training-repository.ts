import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ModelsTable, TrainingJobsTable } from '../db/tables.js';

export type TrainingJobRow = Selectable<TrainingJobsTable>;
export type ModelRow = Selectable<ModelsTable>;

/** Training jobs, their per-epoch history, and the models they register. */
export class TrainingRepository {
  constructor(private readonly db: Db) {}

  get(id: string): Promise<TrainingJobRow | undefined> {
    return this.db.selectFrom('training_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(filter: { cameraId?: string; limit: number }): Promise<TrainingJobRow[]> {
    let q = this.db.selectFrom('training_jobs').selectAll().orderBy('created_at', 'desc').limit(filter.limit);
    if (filter.cameraId) q = q.where('camera_id', '=', filter.cameraId);
    return q.execute();
  }

  /** A queued or running training job of the camera, if any. */
  active(cameraId: string): Promise<TrainingJobRow | undefined> {
    return this.db
      .selectFrom('training_jobs')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
  }

  async insert(row: Insertable<TrainingJobsTable>): Promise<void> {
    await this.db.insertInto('training_jobs').values(row).execute();
  }

  async update(id: string, changes: Updateable<TrainingJobsTable>): Promise<void> {
    await this.db.updateTable('training_jobs').set(changes).where('id', '=', id).execute();
  }

  /** A retried job starts its history again. */
  async clearEpochs(id: string): Promise<void> {
    await this.db.deleteFrom('training_epochs').where('training_job_id', '=', id).execute();
  }

  async addEpoch(
    id: string,
    e: { epoch: number; trainLoss: number; valLoss: number; seconds: number },
  ): Promise<void> {
    await this.db
      .insertInto('training_epochs')
      .values({
        training_job_id: id,
        epoch: e.epoch,
        train_loss: e.trainLoss,
        val_loss: e.valLoss,
        seconds: e.seconds,
      })
      .execute();
  }

  epochs(id: string) {
    return this.db
      .selectFrom('training_epochs')
      .selectAll()
      .where('training_job_id', '=', id)
      .orderBy('epoch')
      .execute();
  }
}
