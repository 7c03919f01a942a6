import type { Database } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { parseCsv } from '../../text/csv.js';
import { TabularRiskModel, type CustomerRecord, type RiskReason } from './tabular-model.js';

const yes = new Set(['yes', 'y', 'true', '1', 'churned']);
const no = new Set(['no', 'n', 'false', '0', 'retained', 'stayed']);

function trainFrom(csv: string, source: string, idColumn: string, labelColumn: string) {
  const { header, rows } = parseCsv(csv, source);
  const find = (wanted: string) =>
    header.find((name) => name.trim().toLowerCase() === wanted.toLowerCase());
  const id = find(idColumn);
  const label = find(labelColumn);
  if (!id)
    throw new CuecardError(
      'validation_failed',
      `${source}: no "${idColumn}" column (columns: ${header.join(', ')})`,
      { field: 'idColumn' },
    );
  if (!label)
    throw new CuecardError(
      'validation_failed',
      `${source}: no "${labelColumn}" column with known outcomes (Yes/No)`,
      { field: 'labelColumn' },
    );
  const records: CustomerRecord[] = [];
  const outcomes: boolean[] = [];
  for (const row of rows) {
    const value = (row.value[label] ?? '').trim().toLowerCase();
    if (value === '') continue;
    if (!yes.has(value) && !no.has(value)) {
      throw new CuecardError(
        'validation_failed',
        `${source}:${row.line}: field "${label}" must be Yes or No, not "${row.value[label]}"`,
        { field: labelColumn },
      );
    }
    records.push(row.value);
    outcomes.push(yes.has(value));
  }
  const model = new TabularRiskModel({ exclude: [id, label] });
  model.fit(records, outcomes);
  return {
    model,
    customers: records.length,
    churnRate: outcomes.filter(Boolean).length / Math.max(1, outcomes.length),
    idColumn: id,
    labelColumn: label,
  };
}

/**
 * A churn model per tenant, trained from a customer table with known outcomes (`customerID`,
 * `Churn` Yes/No, any attribute columns). It scores the attributes a connector passes when it
 * opens a conversation; conversation signals are added on top at the end.
 */
export function createChurnService(db: Database) {
  const models = new Map<string, Promise<TabularRiskModel | null>>();

  async function load(tenantId: string): Promise<TabularRiskModel | null> {
    const { rows } = await db.query<{ csv: string; id_column: string; label_column: string }>(
      'SELECT csv, id_column, label_column FROM churn_training WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row
      ? trainFrom(row.csv, 'stored customer table', row.id_column, row.label_column).model
      : null;
  }

  function modelOf(tenantId: string) {
    let model = models.get(tenantId);
    if (!model) {
      model = load(tenantId);
      models.set(tenantId, model);
      model.catch(() => models.get(tenantId) === model && models.delete(tenantId));
    }
    return model;
  }

  return {
    /** Drops the tenant's model (a table was uploaded elsewhere): the next score trains afresh. */
    forget(tenantId: string): void {
      models.delete(tenantId);
    },
    /** Trains at once (errors name line and column) and keeps the table for later starts. */
    async train(
      tenantId: string,
      csv: string,
      options: { idColumn?: string; labelColumn?: string; by: string },
    ) {
      const trained = trainFrom(
        csv,
        'customer table',
        options.idColumn ?? 'customerID',
        options.labelColumn ?? 'Churn',
      );
      await db.query(
        `INSERT INTO churn_training (tenant_id, csv, id_column, label_column, customers, churn_rate, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id) DO UPDATE SET csv = $2, id_column = $3, label_column = $4, customers = $5,
           churn_rate = $6, uploaded_by = $7, uploaded_at = now()`,
        [
          tenantId,
          csv,
          trained.idColumn,
          trained.labelColumn,
          trained.customers,
          trained.churnRate,
          options.by,
        ],
      );
      models.set(tenantId, Promise.resolve(trained.model));
      return { customers: trained.customers, churnRate: trained.churnRate };
    },
    async info(tenantId: string) {
      const { rows } = await db.query<{
        customers: number;
        churn_rate: number;
        uploaded_at: Date;
        uploaded_by: string | null;
      }>(
        'SELECT customers, churn_rate, uploaded_at, uploaded_by FROM churn_training WHERE tenant_id = $1',
        [tenantId],
      );
      const row = rows[0];
      return row
        ? {
            trained: true,
            customers: row.customers,
            churnRate: row.churn_rate,
            uploadedAt: new Date(row.uploaded_at).toISOString(),
            uploadedBy: row.uploaded_by,
          }
        : { trained: false };
    },
    /** Risk from the customer's attributes, or null when the tenant has no model or no attributes. */
    async baseRisk(
      tenantId: string,
      attributes: Record<string, unknown>,
    ): Promise<{ risk: number; reasons: RiskReason[] } | null> {
      if (Object.keys(attributes).length === 0) return null;
      const model = await modelOf(tenantId);
      if (!model) return null;
      const record: CustomerRecord = Object.fromEntries(
        Object.entries(attributes).map(([key, value]) => [
          key,
          value === null || value === undefined ? undefined : String(value),
        ]),
      );
      return { risk: model.predict(record), reasons: model.explain(record) };
    },
  };
}

export type ChurnService = ReturnType<typeof createChurnService>;
