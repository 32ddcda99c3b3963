// Next.js configuration. Native modules stay outside the bundle and load from node_modules.
/** @type {import('next').NextConfig} */
module.exports = {
  serverExternalPackages: ['onnxruntime-node', 'better-sqlite3', 'busboy'],
  poweredByHeader: false,
  typedRoutes: false,
};
