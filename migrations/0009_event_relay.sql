-- Live delivery across instances. Several Cuecard processes may share one Postgres server:
-- a connector's events are written by the instance it is connected to, an agent may be
-- subscribed on another. Each row records which instance wrote it (the writer's
-- application_name, set per instance), and every insert statement notifies the others with the
-- highest id it wrote, so they read the new rows from the table and publish them to their own
-- subscribers. On the embedded engine nobody listens and the notification costs next to nothing.
ALTER TABLE events ADD COLUMN origin text NOT NULL DEFAULT coalesce(current_setting('application_name', true), '');

CREATE FUNCTION cuecard_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cuecard_events',
    coalesce(current_setting('application_name', true), '') || ' ' ||
    (SELECT max(id) FROM new_rows)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cuecard_notify_events();
