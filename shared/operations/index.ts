export * from './keys.js';
export * from './reader.js';
export * from './recorder.js';
export * from './secret-status.js';
