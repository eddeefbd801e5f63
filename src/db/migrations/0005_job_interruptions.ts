/**
 * How many times a job's runner stopped under it (the process was killed or died). Such a stop is
 * not the job's failure, so it gives the attempt back and counts here instead; a job interrupted
 * too often (one that takes the process down with it) is buried.
 */
export const up = `
ALTER TABLE jobs ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
`;
