-- When a conversation last received an item: a conversation whose connector vanished (a dropped
-- call, a chat the customer closed) is ended as abandoned after an idle time per channel, instead
-- of staying 'active' forever and holding the agent console.
ALTER TABLE conversations ADD COLUMN last_activity_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX conversations_active_idle ON conversations (channel, last_activity_at)
  WHERE status = 'active';
