export { createApp, API_PREFIX, DASHBOARD_PATH, type AppDeps } from './app.js';
export { startApiProcess, type RunningApi } from './api-process.js';
export { createMetrics, type Metrics } from './metrics.js';
