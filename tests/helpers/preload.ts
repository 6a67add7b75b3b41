// Loaded once before the test files (bunfig.toml): a quiet test environment, and the migrated PGlite
// template built up front so no test hook pays for migrations (slow on a busy machine).
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';

const { usingServer, warmTemplate } = await import('./db');
if (!usingServer) await warmTemplate();

export {};
