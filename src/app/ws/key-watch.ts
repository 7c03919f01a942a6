import type { WebSocket } from 'ws';
import type { TenantStore } from '../../tenancy/tenant-store.js';

/**
 * A socket stays open long after its handshake checked the key: revoking a key must also close
 * the sockets it opened, on every instance (the revocation may have been made on another). Each
 * instance checks the keys of its open sockets twice a second, in one query, and closes the
 * sockets of keys that are no longer valid with close code 4401 ("API key revoked").
 */
export const KEY_REVOKED_CLOSE_CODE = 4401;

export interface KeyWatch {
  watch(keyId: string, socket: WebSocket): void;
  /** One check now (tests; the timer runs it on its own). */
  check(): Promise<void>;
  stop(): void;
}

export function createKeyWatch(
  tenants: Pick<TenantStore, 'invalidKeys'>,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): KeyWatch {
  const byKey = new Map<string, Set<WebSocket>>();
  let checking = false;

  async function check(): Promise<void> {
    if (checking || byKey.size === 0) return;
    checking = true;
    try {
      for (const keyId of await tenants.invalidKeys([...byKey.keys()])) {
        for (const socket of byKey.get(keyId) ?? [])
          socket.close(KEY_REVOKED_CLOSE_CODE, 'API key revoked');
        byKey.delete(keyId);
      }
    } finally {
      checking = false;
    }
  }

  const timer = setInterval(() => {
    check().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 500);
  timer.unref();

  return {
    watch(keyId, socket) {
      let sockets = byKey.get(keyId);
      if (!sockets) byKey.set(keyId, (sockets = new Set()));
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && byKey.get(keyId) === sockets) byKey.delete(keyId);
      });
    },
    check,
    stop: () => clearInterval(timer),
  };
}
