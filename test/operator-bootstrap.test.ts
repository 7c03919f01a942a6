import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { composeCuecard } from '../src/app/compose-cuecard.js';
import { bootstrapNotes, ensureBootstrapAdmin } from '../src/app/bootstrap-admin.js';
import { createTenantStore } from '../src/tenancy/tenant-store.js';
import { openDatabase } from '../src/stores/open-database.js';
import {
  createServerDatabase,
  engines,
  openTestDatabase,
  serverUrl,
} from './support/test-database.js';

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, '../src/cli/admin.ts');

/** `npm run admin -- ...args` as an operator runs it, against the configured database. */
async function admin(env: Record<string, string>, ...args: string[]) {
  const result = await run(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);
  return { stdout: result.stdout, stderr: result.stderr, code: 'code' in result ? result.code : 0 };
}

describe.each(engines)('operator bootstrap (%s)', (engine) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a database nobody can administer gets one admin key that works, once', async () => {
    const db = await openTestDatabase(engine);
    cleanups.push(() => db.close());
    const first = await ensureBootstrapAdmin(db, { tenantName: 'Acme', adminKey: undefined });
    expect(first?.mintedKey).toMatch(/^cc_admin_/);
    expect(bootstrapNotes(first!).join('\n')).toContain(first!.mintedKey!);
    const tenants = createTenantStore(db);
    expect(await tenants.authenticate(first!.mintedKey!)).toMatchObject({
      role: 'admin',
      tenantId: first!.tenantId,
      keyName: 'bootstrap admin',
    });
    expect(await ensureBootstrapAdmin(db, { tenantName: 'Acme', adminKey: undefined })).toBeNull();

    // Every admin key revoked: the next start gives the same tenant a new one.
    await tenants.revokeKey(first!.tenantId, first!.keyId);
    const again = await ensureBootstrapAdmin(db, { tenantName: 'Acme', adminKey: undefined });
    expect(again?.tenantId).toBe(first!.tenantId);
    expect((await tenants.listTenants()).map((tenant) => tenant.name)).toEqual(['Acme']);
  });

  it('adopts CUECARD_BOOTSTRAP_ADMIN_KEY instead of printing a key', async () => {
    const db = await openTestDatabase(engine);
    cleanups.push(() => db.close());
    const secret = 'x'.repeat(16) + 'deployment-secret-42';
    const result = await ensureBootstrapAdmin(db, { tenantName: 'Acme', adminKey: secret });
    expect(result?.mintedKey).toBeNull();
    expect(bootstrapNotes(result!).join('\n')).not.toContain(secret);
    expect(await createTenantStore(db).authenticate(secret)).toMatchObject({ role: 'admin' });
  });

  it('npm run admin creates tenants and keys, shows a key once, lists and revokes', async () => {
    const env: Record<string, string> = {};
    if (engine === 'postgres') {
      const scratch = await createServerDatabase();
      cleanups.push(scratch.drop);
      env.DATABASE_URL = scratch.url;
    } else {
      const folder = await mkdtemp(path.join(tmpdir(), 'cuecard-admin-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      env.CUECARD_DATA_DIR = path.join(folder, 'data');
    }
    expect((await admin(env, '--help')).stdout).toMatch(/key create --tenant ID --role ROLE/);

    const tenant = JSON.parse(
      (await admin(env, 'tenant', 'create', 'Acme Support', '--json')).stdout,
    );
    expect(tenant.name).toBe('Acme Support');
    const created = await admin(
      env,
      'key',
      'create',
      '--tenant',
      tenant.id,
      '--role',
      'agent',
      '--agent',
      'a-7',
      '--name',
      'Mei Chen',
    );
    expect(created.code).toBe(0);
    const key = /\n {2}(cc_agent_\S+)/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();

    const listed = (await admin(env, 'key', 'list', '--tenant', tenant.id)).stdout;
    expect(listed).toContain('Mei Chen');
    expect(listed).not.toContain(key!);
    const keyId = listed.split('\t')[0]!;

    const missing = await admin(env, 'key', 'create', '--tenant', tenant.id, '--role', 'agent');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/agentId/);
    const badRole = await admin(env, 'key', 'create', '--tenant', tenant.id, '--role', 'root');
    expect(badRole.stderr).toMatch(/--role must be one of/);

    expect((await admin(env, 'key', 'revoke', keyId, '--tenant', tenant.id)).stdout).toMatch(
      /Revoked/,
    );
    expect((await admin(env, 'key', 'revoke', keyId, '--tenant', tenant.id)).code).toBe(1);

    // The key no longer opens anything.
    const db = await openDatabase(
      env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.CUECARD_DATA_DIR! },
    );
    try {
      expect(await createTenantStore(db).authenticate(key!)).toBeNull();
    } finally {
      await db.close();
    }
    // Nine CLI processes, each compiling TypeScript at start: minutes on a busy 2-core machine.
  }, 300_000);
});

describe.runIf(serverUrl)('first start on a server database', () => {
  it('prints nothing twice: one start bootstraps, a second instance finds the key', async () => {
    const scratch = await createServerDatabase();
    try {
      const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' });
      const options = { capabilities: 'none', logger: false } as const;
      const [a, b] = await Promise.all([
        composeCuecard(config, options),
        composeCuecard(config, options),
      ]);
      try {
        const minted = [a.bootstrap, b.bootstrap].filter((bootstrap) => bootstrap !== null);
        expect(minted).toHaveLength(1);
        const response = await a.app.inject({
          method: 'POST',
          url: '/api/keys',
          headers: { authorization: `Bearer ${minted[0]!.mintedKey}` },
          payload: { name: 'Supervisor Lin', role: 'supervisor' },
        });
        expect(response.statusCode).toBe(201);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await scratch.drop();
    }
  }, 60_000);
});
