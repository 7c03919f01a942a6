-- Durable work (issue 16) may run an item's analysis or a wrap-up twice: its holder can die after
-- writing some events and before completing the work row. Events written by such work carry a
-- key naming what wrote them (e.g. "a:12:sentiment": the sentiment analysis of item 12), unique
-- per conversation, so a retry inserts nothing twice. Other events (feedback, previews) have none.
ALTER TABLE events ADD COLUMN dedup_key text;
CREATE UNIQUE INDEX events_dedup ON events (conversation_id, dedup_key)
  WHERE dedup_key IS NOT NULL;
