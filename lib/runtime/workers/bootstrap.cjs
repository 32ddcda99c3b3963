// Worker threads start without the parent's TypeScript loader: register the server's own
// (../typescript.cjs), then load the .ts entry named by workerData.entry (see ./start.ts).
require('../typescript.cjs');
require(require('node:worker_threads').workerData.entry);
