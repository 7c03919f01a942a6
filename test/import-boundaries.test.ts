import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries of eslint.config.js, run on fixture sources placed (virtually) in each
 * folder: a rule that silently stopped matching (a renamed folder, a typo in a regex) would
 * otherwise pass CI forever.
 */
const root = path.resolve(import.meta.dirname, '..');
const boundaryRules = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);
const eslint = new ESLint({
  cwd: root,
  // Only the boundary rules, which need no type information: no TypeScript program to build.
  ruleFilter: ({ ruleId }) => boundaryRules.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The boundary rules that report on `code` as if it were the file `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(root, file) });
  expect(result?.messages.filter((message) => message.fatal)).toEqual([]);
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'none');
}

const restricted = '@typescript-eslint/no-restricted-imports';

describe('vendor packages', () => {
  it('are refused in domain code, type imports included, and allowed in their adapter', async () => {
    const jieba = "import { Jieba } from '@node-rs/jieba';\nexport const j = Jieba;";
    expect(await violations('src/knowledge/fixture.ts', jieba)).toEqual([restricted]);
    expect(await violations('src/understanding/intent/fixture.ts', jieba)).toEqual([restricted]);
    expect(await violations('src/providers/jieba/fixture.ts', jieba)).toEqual([]);
    expect(
      await violations(
        'src/wrap-up/text/fixture.ts',
        "import type { Nlp } from 'wink-nlp';\nexport type N = Nlp;",
      ),
    ).toEqual([restricted]);
    expect(
      await violations('src/cli/fixture.ts', "import pg from 'pg';\nexport const p = pg;"),
    ).toEqual([restricted]);
    expect(
      await violations('src/stores/fixture.ts', "import pg from 'pg';\nexport const p = pg;"),
    ).toEqual([]);
  });

  it('leave YAML to the one definition loader', async () => {
    const yaml = "import { parse } from 'yaml';\nexport const p = parse;";
    expect(await violations('src/assist/playbooks/fixture.ts', yaml)).toEqual([restricted]);
    expect(await violations('src/text/yaml-definition.ts', yaml)).toEqual([]);
  });

  it('are refused when loaded by import() or createRequire', async () => {
    expect(
      await violations('src/knowledge/fixture.ts', "export const load = () => import('unpdf');"),
    ).toEqual(['no-restricted-syntax']);
    expect(
      await violations(
        'src/wrap-up/text/fixture.ts',
        "import { createRequire } from 'node:module';\nexport const vader = createRequire(import.meta.url)('vader-sentiment');",
      ),
    ).toEqual(['no-restricted-syntax']);
  });

  it('leave node builtins, zod and our own files alone; fastify and ws only in app and cli', async () => {
    const ours =
      "import { readFile } from 'node:fs/promises';\nimport { z } from 'zod';\nimport { CuecardError } from '../errors/cuecard-error.js';\nexport const all = [readFile, z, CuecardError];";
    expect(await violations('src/knowledge/fixture.ts', ours)).toEqual([]);
    const server =
      "import type { FastifyInstance } from 'fastify';\nimport WebSocket from 'ws';\nexport type F = FastifyInstance;\nexport const W = WebSocket;";
    expect(await violations('src/app/routes/fixture.ts', server)).toEqual([]);
    expect(await violations('src/cli/fixture.ts', server)).toEqual([]);
    expect(await violations('src/assist/fixture.ts', server)).toEqual([restricted, restricted]);
  });
});

describe('layers', () => {
  it('keep features out of the pipeline kernel, except as types in its contract', async () => {
    const typeOnly =
      "import type { IntentResult } from '../understanding/intent/intent-analyzer.js';\nexport type R = IntentResult;";
    const value =
      "import { createIntentAnalyzer } from '../understanding/intent/intent-analyzer.js';\nexport const c = createIntentAnalyzer;";
    expect(await violations('src/pipeline/fixture.ts', typeOnly)).toEqual([restricted]);
    expect(await violations('src/pipeline/contract.ts', typeOnly)).toEqual([]);
    expect(await violations('src/pipeline/contract.ts', value)).toEqual([restricted]);
  });

  it('keep everything below the top layer from importing app/ or cli/', async () => {
    const app = "import { startCuecard } from '../app/start.js';\nexport const s = startCuecard;";
    expect(await violations('src/knowledge/fixture.ts', app)).toEqual([restricted]);
    expect(await violations('src/conversations/fixture.ts', app)).toEqual([restricted]);
    expect(await violations('src/providers/fixture.ts', app)).toEqual([restricted]);
    expect(await violations('src/cli/fixture.ts', app)).toEqual([]);
  });

  it('keep providers and stores from importing the features', async () => {
    const feature =
      "import type { ArticleInput } from '../../knowledge/parse-document.js';\nexport type A = ArticleInput;";
    expect(await violations('src/providers/unpdf/fixture.ts', feature)).toEqual([restricted]);
    expect(await violations('src/stores/sub/fixture.ts', feature)).toEqual([restricted]);
  });

  it('let tests import what they need', async () => {
    expect(
      await violations(
        'src/knowledge/fixture.test.ts',
        "import pg from 'pg';\nimport { startCuecard } from '../app/start.js';\nexport const all = [pg, startCuecard];",
      ),
    ).toEqual([]);
  });
});
