// The TypeScript loader of the server process (`npm start`, `npm run dev`) and of its worker threads:
// a .ts file is compiled by esbuild to CommonJS when it is first required, as tsx does, but without
// esbuild's keepNames, which tsx always turns on. keepNames wraps every function created at run time
// in __name(fn, "…"), an Object.defineProperty per closure, and the request path creates dozens of
// closures per request. Measured with the shared harness's model and body at concurrency 64 (wrk, 8 s
// rounds, main-thread CPU per request from /proc): 59.7 µs under tsx, 54.6 µs with tsx's keepNames
// switched off, 52.7 µs with this loader; at concurrency 1 the app's share of the bare limit rose from
// 0.557 to 0.586 (six interleaved rounds each; issue 13). Nothing is minified, so every function keeps
// the name its declaration gives it. Every module is strict, as tsconfig's `strict` makes it under tsx
// and in Next's build. Source maps are inline (without the source text): stack traces name .ts lines.
// No cache on disk: compiling the server's ~200 files takes about 0.4 s at start.
// Scripts and tests run under tsx and vitest; the server, and every worker thread (bootstrap.cjs), under this.
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: `node${process.versions.node}`,
  sourcemap: 'inline',
  sourcesContent: false,
  keepNames: false,
  tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
};

/** TypeScript source to CommonJS. */
function compile(source, filename) {
  return transformSync(source, { ...OPTIONS, sourcefile: filename }).code;
}

// Registered even over another loader's (tsx through NODE_OPTIONS would otherwise bring keepNames back).
process.setSourceMapsEnabled(true);
require.extensions['.ts'] = (module, filename) => module._compile(compile(readFileSync(filename, 'utf8'), filename), filename);

module.exports = { compile };
