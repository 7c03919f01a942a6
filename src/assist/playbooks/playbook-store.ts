import type { Database } from '../../stores/database.js';
import { parsePlaybook, type Playbook } from './playbook.js';

export interface EffectivePlaybook {
  playbook: Playbook;
  source: 'bundled' | 'tenant';
  /** The tenant's version number (bundled playbooks carry their file's own `version`). */
  version: number;
}

const TTL_MS = 30_000;

/**
 * A tenant's playbooks: the bundled ones, overridden by what the tenant saved through the API
 * (latest version per id). Cached per tenant; a save in this process refreshes at once, a save
 * on another instance through `forget` (src/stores/config-changes.ts); the TTL is a backstop.
 */
export function createPlaybookStore(db: Database, bundled: readonly Playbook[]) {
  // The read in flight is cached, so `forget` during a read also drops what that read returns.
  const cache = new Map<string, { at: number; list: Promise<EffectivePlaybook[]> }>();

  function effective(tenantId: string): Promise<EffectivePlaybook[]> {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.list;
    const entry = { at: Date.now(), list: read(tenantId) };
    cache.set(tenantId, entry);
    entry.list.catch(() => cache.get(tenantId) === entry && cache.delete(tenantId));
    return entry.list;
  }

  async function read(tenantId: string): Promise<EffectivePlaybook[]> {
    const { rows } = await db.query<{
      id: string;
      version: number;
      definition: unknown;
      retired: boolean;
    }>(
      `SELECT DISTINCT ON (id) id, version, definition, retired FROM tenant_playbooks
        WHERE tenant_id = $1 ORDER BY id, version DESC`,
      [tenantId],
    );
    const byId = new Map<string, EffectivePlaybook>(
      bundled.map((playbook) => [
        playbook.id,
        { playbook, source: 'bundled', version: playbook.version },
      ]),
    );
    for (const row of rows) {
      if (row.retired) {
        const original = bundled.find((playbook) => playbook.id === row.id);
        if (original)
          byId.set(row.id, { playbook: original, source: 'bundled', version: original.version });
        else byId.delete(row.id);
      } else {
        byId.set(row.id, {
          playbook: parsePlaybook(row.definition, `stored playbook ${row.id} v${row.version}`),
          source: 'tenant',
          version: row.version,
        });
      }
    }
    return [...byId.values()].sort((a, b) => a.playbook.id.localeCompare(b.playbook.id));
  }

  async function nextVersion(tenantId: string, id: string): Promise<number> {
    const { rows } = await db.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int + 1 AS v FROM tenant_playbooks WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return rows[0]?.v ?? 1;
  }

  return {
    effective,
    /** Drops the tenant's cached list: the next read sees the latest saved versions. */
    forget(tenantId: string): void {
      cache.delete(tenantId);
    },
    /** The playbooks the pipeline uses for this tenant. */
    async playbooksFor(tenantId: string): Promise<Playbook[]> {
      return (await effective(tenantId)).map((entry) => entry.playbook);
    },
    async save(tenantId: string, playbook: Playbook, changedBy: string): Promise<number> {
      const version = await nextVersion(tenantId, playbook.id);
      await db.query(
        'INSERT INTO tenant_playbooks (tenant_id, id, version, definition, changed_by) VALUES ($1, $2, $3, $4, $5)',
        [tenantId, playbook.id, version, JSON.stringify(playbook), changedBy],
      );
      cache.delete(tenantId);
      return version;
    },
    async retire(tenantId: string, id: string, changedBy: string): Promise<boolean> {
      const current = (await effective(tenantId)).find((entry) => entry.playbook.id === id);
      if (!current || current.source !== 'tenant') return false;
      await db.query(
        'INSERT INTO tenant_playbooks (tenant_id, id, version, definition, retired, changed_by) VALUES ($1, $2, $3, NULL, true, $4)',
        [tenantId, id, await nextVersion(tenantId, id), changedBy],
      );
      cache.delete(tenantId);
      return true;
    },
  };
}

export type PlaybookStore = ReturnType<typeof createPlaybookStore>;
