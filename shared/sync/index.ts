export * from './coordination.js';
export * from './request-sync.js';
export * from './stream-key.js';
export * from './stream-kinds.js';
export * from './stream-lock.js';
