// Copies what tsc does not emit (icons, codex files) into dist/.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

mkdirSync(join(dist, 'icons'), { recursive: true });
for (const name of readdirSync(join(root, 'icons'))) {
	if (name.endsWith('.svg')) cpSync(join(root, 'icons', name), join(dist, 'icons', name));
}
for (const node of readdirSync(join(root, 'nodes'))) {
	for (const name of readdirSync(join(root, 'nodes', node))) {
		if (name.endsWith('.node.json') || name.endsWith('.svg')) {
			mkdirSync(join(dist, 'nodes', node), { recursive: true });
			cpSync(join(root, 'nodes', node, name), join(dist, 'nodes', node, name));
		}
	}
}
