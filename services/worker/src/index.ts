export { startWorkerProcess, type WorkerProcessDeps } from './worker-process.js';
