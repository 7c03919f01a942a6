-- Every per-conversation and per-agent read has an index that matches it exactly (equality
-- columns, then the cursor), so the planner's choice is obvious even with no statistics: the
-- embedded engine runs no autovacuum, and a 495,000-event table never analysed read one
-- conversation's 65 events through events_tenant, filtering out 494,935 rows (616 ms).
CREATE INDEX IF NOT EXISTS events_tenant_conversation ON events (tenant_id, conversation_id, id);
CREATE INDEX IF NOT EXISTS events_tenant_agent ON events (tenant_id, agent_id, id);
