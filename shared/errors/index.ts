export * from './app-error.js';
export * from './deadline.js';
