// `preinstall` of the published package: on a Node older than 24 an `npm install -g moltbot`
// would go on to build isolated-vm from source (it ships binaries for Node 24+ only) and end in
// a node-gyp error that says nothing about Node. npm runs every package's preinstall before any
// dependency's install script, so this one line is what the user sees instead.
// Deliberately old-style JavaScript (CommonJS, var): it must run on whatever Node is there.
'use strict';
var REQUIRED_MAJOR = 24;
var major = Number(process.versions.node.split('.')[0]);
// In a checkout (not under node_modules) the `node` devDependency brings Node 24 itself, and
// `npm install` there starts on the system Node: nothing to refuse.
var asPackage = /[\\/]node_modules[\\/]/.test(__dirname);
if (asPackage && major < REQUIRED_MAJOR) {
  process.stderr.write('moltbot needs Node.js >= ' + REQUIRED_MAJOR + ' (this is ' + process.version + '): install Node ' + REQUIRED_MAJOR + ' (e.g. `nvm install ' + REQUIRED_MAJOR + '` or https://nodejs.org), then run the install again.\n');
  process.exit(1);
}
