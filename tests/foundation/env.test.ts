// The environment is parsed once: every problem reported together, secrets required in production,
// development secrets generated once and kept under DATA_DIR.
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError, parseEnv } from '../../src/env';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'showroom-env-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const problemsOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  return [];
};

describe('environment', () => {
  test('every invalid setting is reported at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  test('production requires every secret, and says which', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: tempDir() });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ENCRYPTION_KEYS', 'JWT_KEYS', 'PLATFORM_API_KEYS']);
  });

  test('production secrets must be strong enough', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_KEYS: 'k1:short',
      ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0',
      PLATFORM_API_KEYS: 'tiny',
    });
    expect(problems).toHaveLength(3);
  });

  test('development secrets are generated once under DATA_DIR and reused, never hard-coded', () => {
    const dir = tempDir();
    const first = parseEnv({ NODE_ENV: 'development', DATA_DIR: dir });
    const again = parseEnv({ NODE_ENV: 'development', DATA_DIR: dir });
    const elsewhere = parseEnv({ NODE_ENV: 'development', DATA_DIR: tempDir() });
    expect(again.jwtKeys).toEqual(first.jwtKeys);
    expect(again.encryptionKeys[0]!.key.equals(first.encryptionKeys[0]!.key)).toBe(true);
    expect(elsewhere.jwtKeys[0]!.secret).not.toBe(first.jwtKeys[0]!.secret);
    expect(first.jwtKeys[0]!.secret).toHaveLength(64);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  test('a bad environment makes the entry exit non-zero and print the problems', async () => {
    const proc = Bun.spawn(['bun', '-e', "import { loadEnv } from './src/env'; loadEnv(); console.log('started')"], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: 'eighty' },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(code).toBe(1);
    expect(out).not.toContain('started');
    // The bad port and the missing production secrets, in one report.
    for (const name of ['PORT', 'JWT_KEYS', 'ENCRYPTION_KEYS', 'PLATFORM_API_KEYS']) expect(err).toContain(name);
  });
});
