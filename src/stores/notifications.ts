import pg from 'pg';

/**
 * Postgres LISTEN/NOTIFY on a dedicated connection (a pooled one would drop its LISTENs when it
 * is returned). The connection is re-opened after a failure; `onReconnect` tells the caller to
 * catch up on what it may have missed while it was down.
 */
export interface Notifications {
  listen(channel: string, handler: (payload: string) => void): Promise<void>;
  /** Sends a notification from the listening connection (no pool round trip needed). */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface NotificationOptions {
  /** Called after the connection was lost and opened again, once its LISTENs are back. */
  onReconnect?: () => void;
  /** Called when a (re)connection attempt fails; the next attempt follows after a pause. */
  onError?: (error: unknown) => void;
  /** Pause before reconnecting, doubled per failure up to 30 s. Default 500 ms. */
  retryMs?: number;
}

const channelName = /^[a-z_][a-z0-9_]*$/;

export async function openNotifications(
  url: string,
  options: NotificationOptions = {},
): Promise<Notifications> {
  const handlers = new Map<string, Array<(payload: string) => void>>();
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = options.retryMs ?? 500;

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    // A dropped connection also ends: `end` reconnects. Reported, so a flapping link shows.
    next.on('error', (error) => options.onError?.(error));
    next.on('end', () => {
      if (closed || client !== next) return;
      client = null;
      scheduleReconnect();
    });
    await next.connect();
    for (const channel of handlers.keys()) await next.query(`LISTEN ${channel}`);
    return next;
  }

  function scheduleReconnect(): void {
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, 30_000);
    setTimeout(() => {
      if (closed) return;
      connect().then(
        (next) => {
          // Closed while reconnecting: this connection is surplus, and how it ends is moot.
          if (closed) return void next.end().catch(() => undefined);
          client = next;
          retryMs = options.retryMs ?? 500;
          options.onReconnect?.();
        },
        (error: unknown) => {
          options.onError?.(error);
          scheduleReconnect();
        },
      );
    }, wait).unref();
  }

  client = await connect();
  return {
    async listen(channel, handler) {
      // Channel names go into SQL as identifiers: only our own fixed names are allowed.
      if (!channelName.test(channel)) throw new Error(`invalid channel name: ${channel}`);
      const known = handlers.get(channel);
      if (known) return void known.push(handler);
      handlers.set(channel, [handler]);
      await client?.query(`LISTEN ${channel}`);
    },
    async notify(channel, payload) {
      await client?.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      // Shutting down: a connection that fails to end cleanly is gone either way.
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
