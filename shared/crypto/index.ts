export * from './secret-box.js';
export * from './constant-time.js';
