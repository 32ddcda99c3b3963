// Worker threads start without the parent's TypeScript loader: register tsx, then load the .ts entry
// named by workerData.entry (see ./start.ts).
require('tsx/cjs/api').register();
require(require('node:worker_threads').workerData.entry);
