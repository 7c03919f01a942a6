import type { Database } from '../../stores/database.js';
import type { IntentTaxonomy } from './taxonomy.js';

export interface StoredTaxonomy extends IntentTaxonomy {
  tenantId: string;
  version: number;
  source: 'file' | 'api';
  createdAt: string;
}

/** Versioned per-tenant taxonomies. Saving never edits a version; it adds the next one. */
export interface IntentStore {
  save(tenantId: string, taxonomy: IntentTaxonomy, source: 'file' | 'api'): Promise<StoredTaxonomy>;
  /** The latest version, or the given one; `null` when the tenant has none. */
  load(tenantId: string, version?: number): Promise<StoredTaxonomy | null>;
  versions(
    tenantId: string,
  ): Promise<{ version: number; name: string; source: string; createdAt: string }[]>;
}

export function createIntentStore(db: Database): IntentStore {
  return {
    async save(tenantId, taxonomy, source) {
      return db.transaction(async (tx) => {
        // Serialises concurrent saves of one tenant so that two never take the same version.
        await tx.query('SELECT id FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
        const { rows } = await tx.query<{ version: number; created_at: Date | string }>(
          `INSERT INTO intent_taxonomies (tenant_id, version, name, source, min_confidence)
           SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM intent_taxonomies WHERE tenant_id = $1
           RETURNING version, created_at`,
          [tenantId, taxonomy.name, source, taxonomy.minConfidence ?? null],
        );
        const { version, created_at: createdAt } = rows[0]!;
        for (const [position, intent] of taxonomy.intents.entries()) {
          await tx.query(
            `INSERT INTO intent_definitions (tenant_id, version, intent, description, position, label_zh)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              tenantId,
              version,
              intent.name,
              intent.description ?? null,
              position,
              intent.labelZh ?? null,
            ],
          );
        }
        const examples = [
          ...taxonomy.intents.flatMap((intent) =>
            intent.examples.map((text) => [intent.name, text] as const),
          ),
          ...taxonomy.outOfScope.map((text) => [null, text] as const),
        ];
        // One statement for all examples: taxonomies have thousands of them.
        if (examples.length > 0) {
          await tx.query(
            `INSERT INTO intent_examples (tenant_id, version, position, intent, text)
             SELECT $1, $2, position - 1, intent, text
             FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e(intent, text, position)`,
            [
              tenantId,
              version,
              examples.map(([intent]) => intent),
              examples.map(([, text]) => text),
            ],
          );
        }
        return {
          ...taxonomy,
          tenantId,
          version,
          source,
          createdAt: new Date(createdAt).toISOString(),
        };
      });
    },

    async load(tenantId, version) {
      const { rows } = await db.query<{
        version: number;
        name: string;
        source: 'file' | 'api';
        min_confidence: number | null;
        created_at: Date | string;
      }>(
        `SELECT version, name, source, min_confidence, created_at FROM intent_taxonomies
         WHERE tenant_id = $1 AND ($2::int IS NULL OR version = $2)
         ORDER BY version DESC LIMIT 1`,
        [tenantId, version ?? null],
      );
      const head = rows[0];
      if (!head) return null;
      const definitions = await db.query<{
        intent: string;
        description: string | null;
        label_zh: string | null;
      }>(
        `SELECT intent, description, label_zh FROM intent_definitions
         WHERE tenant_id = $1 AND version = $2 ORDER BY position`,
        [tenantId, head.version],
      );
      const examples = await db.query<{ intent: string | null; text: string }>(
        `SELECT intent, text FROM intent_examples WHERE tenant_id = $1 AND version = $2 ORDER BY position`,
        [tenantId, head.version],
      );
      const byIntent = new Map<string, string[]>(definitions.rows.map((row) => [row.intent, []]));
      const outOfScope: string[] = [];
      for (const row of examples.rows) {
        if (row.intent === null) outOfScope.push(row.text);
        else byIntent.get(row.intent)?.push(row.text);
      }
      return {
        tenantId,
        version: head.version,
        name: head.name,
        source: head.source,
        createdAt: new Date(head.created_at).toISOString(),
        minConfidence: head.min_confidence ?? undefined,
        intents: definitions.rows.map((row) => ({
          name: row.intent,
          description: row.description ?? undefined,
          examples: byIntent.get(row.intent) ?? [],
          ...(row.label_zh ? { labelZh: row.label_zh } : {}),
        })),
        outOfScope,
      };
    },

    async versions(tenantId) {
      const { rows } = await db.query<{
        version: number;
        name: string;
        source: string;
        created_at: Date | string;
      }>(
        `SELECT version, name, source, created_at FROM intent_taxonomies WHERE tenant_id = $1 ORDER BY version`,
        [tenantId],
      );
      return rows.map((row) => ({
        version: row.version,
        name: row.name,
        source: row.source,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },
  };
}
