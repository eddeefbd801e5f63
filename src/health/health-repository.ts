import type { Db } from '../db/database.js';

export interface HealthState {
  subjectType: string;
  subjectId: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  reasons: { code: string; message: string }[];
  at: number;
}

/** Health transitions (only changes are recorded) and the facts health is judged from. */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  /** The last recorded state of every subject. */
  async current(): Promise<Map<string, HealthState>> {
    const rows = await this.db
      .selectFrom('health_transitions as h')
      .selectAll()
      .where(({ eb, selectFrom }) =>
        eb(
          'h.at',
          '=',
          selectFrom('health_transitions as h2')
            .select((e) => e.fn.max('h2.at').as('m'))
            .whereRef('h2.subject_type', '=', 'h.subject_type')
            .whereRef('h2.subject_id', '=', 'h.subject_id'),
        ),
      )
      .execute();
    return new Map(
      rows.map((r) => [
        `${r.subject_type}:${r.subject_id}`,
        {
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          status: r.status,
          reasons: JSON.parse(r.reasons),
          at: r.at,
        },
      ]),
    );
  }

  async record(id: string, state: HealthState): Promise<void> {
    await this.db
      .insertInto('health_transitions')
      .values({
        id,
        subject_type: state.subjectType,
        subject_id: state.subjectId,
        status: state.status,
        reasons: JSON.stringify(state.reasons),
        at: state.at,
      })
      .execute();
  }

  async transitions(subjectType: string, subjectId: string, limit: number): Promise<HealthState[]> {
    const rows = await this.db
      .selectFrom('health_transitions')
      .selectAll()
      .where('subject_type', '=', subjectType)
      .where('subject_id', '=', subjectId)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      status: r.status,
      reasons: JSON.parse(r.reasons),
      at: r.at,
    }));
  }
}
