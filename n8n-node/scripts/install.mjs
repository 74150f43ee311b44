#!/usr/bin/env node
// Installs a packed n8n-nodes-grace into an n8n folder the way n8n keeps
// community packages: <n8n dir>/nodes/node_modules/n8n-nodes-grace, listed in
// <n8n dir>/nodes/package.json. No network, no npm: the package has no
// runtime dependencies. Used by `cargo xtask n8n-install` and by the
// end-to-end test (e2e/run.mjs), so both install the same way.
//
//   node scripts/install.mjs --tarball n8n-nodes-grace-X.tgz [--n8n-dir ~/.n8n]
//
// Prints one JSON line: {"installed": <package dir>, "version": ...}.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export function defaultN8nDir() {
	if (process.env.N8N_USER_FOLDER) return join(process.env.N8N_USER_FOLDER, '.n8n');
	return join(homedir(), '.n8n');
}

/** Unpacks `tarball` into `<n8nDir>/nodes/node_modules/<name>` and lists it in `<n8nDir>/nodes/package.json`. */
export function installPackage(tarball, n8nDir = defaultN8nDir()) {
	const nodesDir = join(resolve(n8nDir), 'nodes');
	const staging = join(nodesDir, '.grace-install');
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	execFileSync('tar', ['-xzf', resolve(tarball), '-C', staging, '--strip-components=1']);
	const pkg = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8'));
	const target = join(nodesDir, 'node_modules', pkg.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
	// rename keeps the swap atomic for a running n8n that rescans the folder
	renameSync(staging, target);
	const manifestPath = join(nodesDir, 'package.json');
	const manifest = existsSync(manifestPath)
		? JSON.parse(readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true };
	manifest.dependencies = { ...(manifest.dependencies ?? {}), [pkg.name]: pkg.version };
	writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
	return { installed: target, name: pkg.name, version: pkg.version, nodesDir };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const args = process.argv.slice(2);
	const opt = (name) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const tarball = opt('tarball');
	if (!tarball) {
		process.stderr.write('usage: install.mjs --tarball FILE.tgz [--n8n-dir DIR]\n');
		process.exit(2);
	}
	const result = installPackage(tarball, opt('n8n-dir') ?? defaultN8nDir());
	process.stdout.write(`${JSON.stringify(result)}\n`);
}
