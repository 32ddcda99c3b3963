// The npm mirror this project is built against lacks some other-platform optional packages (they
// answer 404), so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the
// lockfile ("Missing: … from lock file"). This declares each missing optional dependency by
// version; npm ci skips optional packages it cannot install. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[`node_modules/${dep}`]) continue;
    pkgs[`node_modules/${dep}`] = { version: range.replace(/^[\^~=]/, ''), optional: true, ...(meta.dev ? { dev: true } : {}) };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: declared ${added} missing optional packages`);
