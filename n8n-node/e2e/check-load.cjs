// Loads an installed n8n-nodes-grace the way n8n does (n8n-core's
// PackageDirectoryLoader, with n8n's own modules on the resolution path) and
// prints what n8n would show: node and credential names and resolved icons,
// and whether each icon file exists in the package.
//   node check-load.cjs N8N_RUNTIME_DIR INSTALLED_PACKAGE_DIR
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');

const [runtimeDir, packageDir] = process.argv.slice(2);
process.env.NODE_PATH = path.join(runtimeDir, 'node_modules');
Module._initPaths();
const { PackageDirectoryLoader } = require(path.join(runtimeDir, 'node_modules', 'n8n-core'));

(async () => {
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const iconFile = (url) => {
		const rel = url.replace(/^icons\/[^/]+\//, '');
		return { url, exists: fs.existsSync(path.join(packageDir, rel)) };
	};
	const icons = (u) => (typeof u === 'string' ? { icon: iconFile(u) } : { light: iconFile(u.light), dark: iconFile(u.dark) });
	const out = {
		package: loader.packageName,
		nodes: loader.types.nodes.map((n) => ({ name: n.name, displayName: n.displayName, usableAsTool: n.usableAsTool ?? null, icons: icons(n.iconUrl) })),
		credentials: loader.types.credentials.map((c) => ({ name: c.name, displayName: c.displayName, icons: icons(c.iconUrl) })),
	};
	process.stdout.write(`${JSON.stringify(out)}\n`);
})().catch((e) => {
	process.stderr.write(`${e.stack}\n`);
	process.exit(1);
});
