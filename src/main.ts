import { loadConfig, ConfigError } from './config/config.js';
import { composeCuecard } from './app/compose-cuecard.js';
import { bootstrapNotes } from './app/bootstrap-admin.js';
import { removeServerFile, writeServerFile } from './app/local-files.js';

const usage = `Usage: npm start

Starts Cuecard: the REST API, the WebSocket gateways and the consoles. Configured by environment
variables (see README.md, "Configuration"): PORT, HOST, DATABASE_URL (else embedded PGlite in
CUECARD_DATA_DIR, default .cuecard/data), CUECARD_DEV_TENANT, and the provider settings.
Once listening, its URL is written to <data folder>/server.json for \`npm run demo\`.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const config = loadConfig();
  const cuecard = await composeCuecard(config);
  const address = await cuecard.app.listen({ host: config.host, port: config.port });
  const http = address.replace('[::1]', 'localhost');
  const ws = http.replace(/^http/, 'ws');
  // Beside the development keys, so that `npm run demo` finds this server through them.
  await writeServerFile(config.dataDir, http);
  const lines = [
    '',
    `Cuecard is running on ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `embedded PGlite (${config.dataDir})`}.`,
    `  Consoles:   ${http}/`,
    `  REST API:   ${http}/api   (OpenAPI: ${http}/openapi.json)`,
    `  Ingest:     ${ws}/ws/ingest      Subscribe: ${ws}/ws/subscribe`,
  ];
  if (cuecard.devKeys) {
    lines.push(
      `  Development tenant "${cuecard.devKeys.tenantId}" keys (agent key is for ${cuecard.devKeys.agentId}):`,
    );
    for (const [role, key] of Object.entries(cuecard.devKeys.keys))
      lines.push(`    ${role.padEnd(18)} ${key}`);
  }
  if (cuecard.bootstrap) lines.push(...bootstrapNotes(cuecard.bootstrap));
  lines.push('  Try: npm run demo', '');
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = async (signal: string) => {
    cuecard.app.log.info({ signal }, 'shutting down');
    await removeServerFile(config.dataDir);
    await cuecard.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Cuecard failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
