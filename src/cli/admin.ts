import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { openCuecardDatabase } from '../app/compose-cuecard.js';
import { createTenantStore, type TenantStore } from '../tenancy/tenant-store.js';
import { roles, type Role } from '../tenancy/roles.js';

const usage = `Usage: npm run admin -- <command>

Operator commands on the configured database (DATABASE_URL, else the embedded data folder,
which must not be open in a running server).

  tenant create <name> [--id ID]        a new tenant; prints its id
  tenant list
  key create --tenant ID --role ROLE [--agent AGENT_ID] [--name LABEL]
                                        prints the key once (roles: ${roles.join(', ')})
  key list --tenant ID                  ids, labels and roles (never the keys)
  key revoke <KEY_ID> --tenant ID

Add --json for machine-readable output.`;

type Args = ReturnType<typeof parse>;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      id: { type: 'string' },
      role: { type: 'string' },
      agent: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new CuecardError('validation_failed', `missing --${flag}\n\n${usage}`);
  return value;
}

async function existingTenant(tenants: TenantStore, id: string | undefined): Promise<string> {
  const tenantId = required(id, 'tenant');
  if (!(await tenants.getTenant(tenantId)))
    throw new CuecardError('not_found', `No tenant "${tenantId}" (npm run admin -- tenant list)`);
  return tenantId;
}

function parseRole(value: string | undefined): Role {
  const role = required(value, 'role');
  if (!(roles as readonly string[]).includes(role))
    throw new CuecardError('validation_failed', `--role must be one of: ${roles.join(', ')}`);
  return role as Role;
}

/** Runs one command; returns what to print (an object for --json, lines otherwise). */
async function run(tenants: TenantStore, { values, positionals }: Args): Promise<unknown> {
  const [noun, verb, target] = positionals;
  switch (`${noun} ${verb}`) {
    case 'tenant create': {
      const name = required(target, 'name (tenant create <name>)');
      return tenants.createTenant({ name, ...(values.id ? { id: values.id } : {}) });
    }
    case 'tenant list':
      return { tenants: await tenants.listTenants() };
    case 'key create': {
      const tenantId = await existingTenant(tenants, values.tenant);
      const role = parseRole(values.role);
      return tenants.issueKey({
        tenantId,
        role,
        name: values.name ?? (values.agent ? `${role} ${values.agent}` : role),
        agentId: values.agent,
      });
    }
    case 'key list':
      return { keys: await tenants.listKeys(await existingTenant(tenants, values.tenant)) };
    case 'key revoke': {
      const tenantId = await existingTenant(tenants, values.tenant);
      const keyId = required(target, 'key id (key revoke <KEY_ID>)');
      if (!(await tenants.revokeKey(tenantId, keyId)))
        throw new CuecardError('not_found', `No active key ${keyId} in tenant ${tenantId}`);
      return { revoked: keyId };
    }
    default:
      throw new CuecardError(
        'validation_failed',
        `Unknown command "${positionals.join(' ')}"\n\n${usage}`,
      );
  }
}

/** Plain lines for people; the clear key is labelled so nobody mistakes it for an id. */
function describe(result: unknown): string {
  const value = result as Record<string, unknown>;
  if ('key' in value)
    return `Key ${String(value.id)} (${String(value.role)}, "${String(value.name)}"), shown this once:\n  ${String(value.key)}`;
  if ('tenants' in value)
    return (value.tenants as Array<{ id: string; name: string }>)
      .map((tenant) => `${tenant.id}\t${tenant.name}`)
      .join('\n');
  if ('keys' in value)
    return (value.keys as Array<Record<string, string | null>>)
      .map((key) =>
        [key.id, key.role, key.name, key.agentId ?? '-', key.revokedAt ? 'revoked' : 'active'].join(
          '\t',
        ),
      )
      .join('\n');
  if ('revoked' in value) return `Revoked ${String(value.revoked)}`;
  return `Tenant ${String(value.id)} ("${String(value.name)}") created`;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (args.values.help || args.positionals.length === 0) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const { db } = await openCuecardDatabase(loadConfig());
  try {
    const result = await run(createTenantStore(db), args);
    process.stdout.write(`${args.values.json ? JSON.stringify(result) : describe(result)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
