// Barrel of the whole product's schema: drizzle-kit and the db client read it from here.
export * from './ai-usage';
export * from './cars';
export * from './events';
export * from './integrations';
export * from './jobs';
export * from './leads';
export * from './tenants';
export * from './users';
