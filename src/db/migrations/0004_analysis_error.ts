/** Why an event's analysis failed (frames dropped when the waiting room was full, a crash before they were stored...). */
export const up = `
ALTER TABLE events ADD COLUMN analysis_error TEXT;
`;
