/**
 * A bootstrap token may be made to re-enrol one existing edge (`reenroll_edge_id`). Enrolment with
 * any other token refuses a name that is already taken, so a token holder cannot take over (or
 * bring back) an edge by naming it.
 */
export const up = `
ALTER TABLE bootstrap_tokens ADD COLUMN reenroll_edge_id TEXT REFERENCES edges(id) ON DELETE CASCADE;
`;
