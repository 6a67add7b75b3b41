// Password hashing: argon2id in PHC format. Bun.password on Bun; hash-wasm (same format) on Node and
// Workers, so a hash made by one runtime verifies on the other.
import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

type BunPassword = {
  hash(password: string, options: { algorithm: 'argon2id'; memoryCost: number; timeCost: number }): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
};

const bunPassword = (globalThis as { Bun?: { password: BunPassword } }).Bun?.password;

/** OWASP-recommended minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
const MEMORY_KIB = 19_456;
const ITERATIONS = 2;

export async function hashPassword(password: string): Promise<string> {
  if (bunPassword)
    return bunPassword.hash(password, {
      algorithm: 'argon2id',
      memoryCost: MEMORY_KIB,
      timeCost: ITERATIONS,
    });
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: ITERATIONS,
    memorySize: MEMORY_KIB,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    if (bunPassword) return await bunPassword.verify(password, hash);
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}
