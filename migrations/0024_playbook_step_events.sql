-- The agent's playbook step marks live only in their `playbook-step` events (decision 0026):
-- the playbook analyzer reads them on every turn, so they get an index of their own instead of
-- a scan of the conversation's whole log. Earlier marks were written to conversation metadata
-- (`playbookSteps`) and then appended as events; the metadata copy is no longer read (a mark a
-- crash left in metadata only shows unticked, and the agent can tick it again).
CREATE INDEX IF NOT EXISTS events_playbook_steps ON events (tenant_id, conversation_id, id)
  WHERE type = 'playbook-step';
