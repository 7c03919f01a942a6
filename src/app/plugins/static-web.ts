import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** web/dist of this checkout: the consoles as `vite build web` leaves them. */
export const defaultWebDistDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../web/dist',
);

export interface WebConsolesOptions {
  /** Where the built consoles are; default web/dist. */
  distDir?: string;
}

// Paths that belong to the API even when nothing answers them: they get the JSON 404, never the app.
const API_PREFIXES = ['/api/', '/ws/'];

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function notBuiltPage(distDir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cuecard — consoles not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>The consoles are not built yet</h1>
<p>The API and WebSockets are running, but <code>${distDir}</code> has no <code>index.html</code>.</p>
<p>Build the consoles with <code>npm run build:web</code> (or restart with <code>npm start</code>, which builds them first), then reload this page.</p>
</body></html>`;
}

/**
 * Serves the browser consoles (web/dist) at `/`. Files are served as they are; any other GET
 * outside /api and /ws gets index.html, so the consoles' own routes (/agent, /supervisor/…)
 * survive a reload. The dist folder is looked up per request, so a build made after the start
 * is picked up without a restart.
 */
export async function registerWebConsoles(
  app: FastifyInstance,
  options: WebConsolesOptions = {},
): Promise<void> {
  const distDir = path.resolve(options.distDir ?? defaultWebDistDir);
  // serve:false: we route ourselves (one fallback route), the plugin only decorates reply.sendFile.
  await app.register(fastifyStatic, { root: distDir, serve: false });

  async function sendIndex(reply: FastifyReply) {
    if (!(await isFile(path.join(distDir, 'index.html')))) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(notBuiltPage(distDir));
    }
    // index.html names the hashed bundles: never cache it, or a rebuild would not reach browsers.
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', distDir, { cacheControl: false });
  }

  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (API_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return reply.callNotFound();
    const relative = path.posix.normalize(pathname).replace(/^\/+/, '');
    const file = path.join(distDir, relative);
    if (
      relative &&
      !relative.startsWith('..') &&
      file.startsWith(distDir + path.sep) &&
      (await isFile(file))
    ) {
      // Vite puts content-hashed bundles under assets/: they never change under the same name.
      const immutable = relative.startsWith('assets/');
      return reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(relative, distDir, { cacheControl: false });
    }
    // A missing asset is a 404, not the app: a stale page asking for an old bundle must see it fail.
    if (path.posix.extname(relative) !== '') return reply.callNotFound();
    return sendIndex(reply);
  });
}
