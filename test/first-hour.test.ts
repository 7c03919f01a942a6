import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { composeCuecard, type Cuecard } from '../src/app/compose-cuecard.js';
import {
  devKeysFile,
  findRunningServer,
  legacyDevKeysFile,
  removeServerFile,
  writeServerFile,
} from '../src/app/local-files.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** A CLI as `npm run <name>` runs it; never rejects, so failures show their output. */
async function cli(file: string, args: string[], env: Record<string, string> = {}) {
  const result = await run(process.execPath, ['--import', 'tsx', path.join(root, file), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 90_000,
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);
  return { stdout: result.stdout, stderr: result.stderr, code: 'code' in result ? result.code : 0 };
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("a newcomer's first hour", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startLocal(dataDir: string): Promise<Cuecard> {
    const cuecard = await composeCuecard(
      { ...loadConfig({}), dataDir, databaseUrl: undefined },
      { capabilities: 'none', devTenant: true, logger: false },
    );
    cleanups.push(() => cuecard.close());
    return cuecard;
  }

  async function tempFolder(): Promise<string> {
    const folder = await mkdtemp(path.join(tmpdir(), 'cuecard-first-hour-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    return folder;
  }

  it('keeps the development keys inside the data folder, and moves them there from the old place', async () => {
    const dataDir = path.join(await tempFolder(), 'data');
    const first = await startLocal(dataDir);
    const keys = first.devKeys!.keys;
    expect(JSON.parse(await readFile(devKeysFile(dataDir), 'utf8')).keys).toEqual(keys);
    expect(devKeysFile(dataDir).startsWith(path.resolve(dataDir) + path.sep)).toBe(true);
    await first.close();
    cleanups.pop();

    // An install from before the move: its keys beside the folder, none inside.
    await rename(devKeysFile(dataDir), legacyDevKeysFile(dataDir));
    const again = await startLocal(dataDir);
    expect(again.devKeys?.keys).toEqual(keys);
    expect(await exists(legacyDevKeysFile(dataDir))).toBe(false);
    expect(JSON.parse(await readFile(devKeysFile(dataDir), 'utf8')).keys).toEqual(keys);
  });

  it('npm run demo replays into the running server and prints where to watch it', async () => {
    const dataDir = path.join(await tempFolder(), 'data');
    const cuecard = await startLocal(dataDir);
    const url = await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
    await writeServerFile(dataDir, url);
    expect((await findRunningServer(dataDir))?.url).toBe(url);

    const demo = await cli('src/cli/demo.ts', ['--gap-ms', '0'], { CUECARD_DATA_DIR: dataDir });
    expect(demo.stderr).toContain(`running at ${url}`);
    const watch = /Watch it live: (\S+)/.exec(demo.stdout)?.[1];
    expect(watch).toMatch(new RegExp(`^${url}/supervisor/conversations/demo-double-charge-`));
    expect(demo.stdout).toContain(cuecard.devKeys!.keys.supervisor);
    // The call reached this server: its conversation is in this server's database.
    const conversationId = decodeURIComponent(watch!.split('/').pop()!);
    const response = await cuecard.app.inject({
      url: `/api/conversations/${conversationId}`,
      headers: { authorization: `Bearer ${cuecard.devKeys!.keys.supervisor}` },
    });
    expect(response.statusCode).toBe(200);
    expect(demo.code).toBe(0);

    // Stopped: the file goes, and the demo no longer finds a server there.
    await removeServerFile(dataDir);
    expect(await findRunningServer(dataDir)).toBeNull();
  });

  it('a server file left by a stopped server is not taken for a running one', async () => {
    const dataDir = path.join(await tempFolder(), 'data');
    const cuecard = await startLocal(dataDir);
    const url = await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
    await writeServerFile(dataDir, url);
    await cuecard.app.close();
    expect(await findRunningServer(dataDir)).toBeNull();
  });

  it('every CLI answers --help without touching a database', async () => {
    const dataDir = path.join(await tempFolder(), 'data');
    const entries = [
      'src/main.ts',
      ...(await readdir(path.join(root, 'src/cli')))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
        .map((file) => `src/cli/${file}`),
    ];
    const answers = await Promise.all(
      entries.map(async (file) => ({
        file,
        ...(await cli(file, ['--help'], { CUECARD_DATA_DIR: dataDir })),
      })),
    );
    for (const answer of answers) {
      expect({ file: answer.file, code: answer.code }).toEqual({ file: answer.file, code: 0 });
      expect(answer.stdout, answer.file).toMatch(/^Usage/m);
    }
    expect(await exists(dataDir)).toBe(false);
  });
});
