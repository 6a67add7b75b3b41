import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'showroom-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the app loads and serves under Node (no Bun global), as src/node.ts needs', async () => {
  const proc = Bun.spawn(['node', '--import', 'tsx', 'tests/foundation/fixtures/node-smoke.ts', dir], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
  expect(JSON.parse(out)).toEqual({ runtime: 'undefined', health: 200, missing: 404 });
}, 60_000);
