// n8n's official community-node rules (@n8n/eslint-plugin-community-nodes,
// the plugin behind the starter's `n8n-node lint`), its full recommended
// config, on the TypeScript sources, the codex files (*.node.json) and
// package.json; typescript-eslint's recommended set; and two rules of n8n's
// review the published plugin does not ship yet (eslint-rules/).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

import { graceRules } from './eslint-rules/grace-rules.mjs';

const jsonFiles = ['package.json', '**/*.node.json'];

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'e2e/**', 'test/**', 'scripts/**', 'eslint-rules/**', 'eslint.config.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: jsonFiles,
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['**/*.ts', ...jsonFiles],
		...n8nCommunityNodesPlugin.configs.recommended,
	},
	{
		files: ['**/*.ts', ...jsonFiles],
		plugins: { '@grace': graceRules },
		rules: {
			'@grace/options-sorted-alphabetically': 'warn',
			'@grace/no-codex-subcategories': 'error',
		},
	},
);
