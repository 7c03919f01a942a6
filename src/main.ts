import { loadConfig, ConfigError } from './config/config.js';
import { composeCuecard } from './app/compose-cuecard.js';
import { bootstrapNotes } from './app/bootstrap-admin.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const cuecard = await composeCuecard(config);
  const address = await cuecard.app.listen({ host: config.host, port: config.port });
  const http = address.replace('[::1]', 'localhost');
  const ws = http.replace(/^http/, 'ws');
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
