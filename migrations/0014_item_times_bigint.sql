-- Utterance times may be epoch milliseconds (`startMs: Date.now()`), which overflow `integer`
-- (2^31 ms is under 25 days). Both engines read int8 as a JS number (src/stores), and the
-- WebSocket schema bounds the values to Number.MAX_SAFE_INTEGER, so no precision is lost.
ALTER TABLE conversation_items
  ALTER COLUMN start_ms TYPE bigint,
  ALTER COLUMN end_ms TYPE bigint;
