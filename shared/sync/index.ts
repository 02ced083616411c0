export * from './keys.js';
export * from './request-sync.js';
export * from './stream-lock.js';
