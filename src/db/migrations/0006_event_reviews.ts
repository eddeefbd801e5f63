/**
 * "Mark reviewed", per API token (the console's signed-in identity): one owner's review does not
 * hide an event from another's list. Reviews go with their event and with their token.
 */
export const up = `
CREATE TABLE event_reviews (
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  token_id TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
  reviewed_at INTEGER NOT NULL,
  PRIMARY KEY (token_id, event_id)
) WITHOUT ROWID;
CREATE INDEX event_reviews_event ON event_reviews (event_id);
`;
