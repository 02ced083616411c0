export * from './reconcile-request.js';
export * from './specs.js';
