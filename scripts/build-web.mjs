// Builds the browser consoles (web/ → web/dist) when their sources are newer than the build.
// Runs before `npm start` and `npm test`; a fresh build is a fast no-op (a directory walk).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'web');
const builtIndex = path.join(webDir, 'dist', 'index.html');
// Besides web/ itself: a changed dependency set can change the bundle.
const extraInputs = [path.join(root, 'package-lock.json')];
const skipDirs = new Set(['dist', 'node_modules']);

async function newestMtime(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || skipDirs.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function mtimeOrZero(file) {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

async function main() {
  const sources = Math.max(
    await newestMtime(webDir),
    ...(await Promise.all(extraInputs.map(mtimeOrZero))),
  );
  const built = await mtimeOrZero(builtIndex);
  if (built > 0 && built >= sources && !process.argv.includes('--force')) return;

  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev tooling can still run the API; the service explains how to build.
    process.stderr.write(
      built > 0
        ? 'build-web: vite is not installed; serving the existing (older) web/dist.\n'
        : 'build-web: vite is not installed, so the consoles cannot be built; run `npm install`.\n',
    );
    return;
  }
  process.stderr.write(
    `build-web: ${built > 0 ? 'sources changed, rebuilding' : 'building'} the consoles (web/dist)...\n`,
  );
  const started = performance.now();
  await vite.build({
    root: webDir,
    configFile: path.join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
  });
  process.stderr.write(
    `build-web: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main().catch((error) => {
  process.stderr.write(
    `build-web failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
