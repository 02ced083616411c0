export * from './connection.js';
export * from './portal-hints.js';
export * from './settings.schema.js';
export * from './test-settings.js';
export * from './tenant-guid.js';
export * from './pager-discovery.js';
export * from './secret-expiry.js';
