import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_telemetry_typed.js';
import * as m0003 from './0003_reenroll_tokens.js';
import * as m0004 from './0004_analysis_error.js';
import * as m0005 from './0005_job_interruptions.js';
import * as m0006 from './0006_event_reviews.js';

export interface Migration {
  /** Sortable, never renamed once released. */
  id: string;
  /** SQL run inside one transaction with the bookkeeping row. */
  up: string;
}

/** Forward-only: a released migration is never edited; changes come as new entries. */
export const MIGRATIONS: Migration[] = [
  { id: '0001_initial', up: m0001.up },
  { id: '0002_telemetry_typed', up: m0002.up },
  { id: '0003_reenroll_tokens', up: m0003.up },
  { id: '0004_analysis_error', up: m0004.up },
  { id: '0005_job_interruptions', up: m0005.up },
  { id: '0006_event_reviews', up: m0006.up },
];
