-- Event positions follow commit order. Ids come from a sequence when a row is inserted, so rows
-- of concurrent writers (instances, pool connections) commit out of id order: a subscriber that
-- resumed after the highest id it had seen missed rows that committed later with lower ids.
-- Each row now records its writing transaction; the delivery order is (tx, id), and a row is
-- published only once tx < pg_snapshot_xmin(pg_current_snapshot()), i.e. when every transaction
-- that could still commit a smaller position has ended (src/conversations/event-tail.ts).
-- Rows stored before this migration all get this migration's transaction id: they keep their
-- id order, before everything written later.
ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();

-- The live tail of each instance reads every row in position order.
CREATE INDEX IF NOT EXISTS events_position ON events (tx, id);
-- Replay of each subscriber scope, in position order.
CREATE INDEX IF NOT EXISTS events_tenant_position ON events (tenant_id, tx, id);
CREATE INDEX IF NOT EXISTS events_tenant_conversation_position
  ON events (tenant_id, conversation_id, tx, id);
CREATE INDEX IF NOT EXISTS events_tenant_agent_position ON events (tenant_id, agent_id, tx, id);
