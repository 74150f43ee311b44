// n8n's official community-node rules (@n8n/eslint-plugin-community-nodes,
// the plugin behind the starter's `n8n-node lint`) on the TypeScript sources
// and on package.json, plus typescript-eslint's recommended set.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'e2e/**', 'test/**', 'scripts/**', 'eslint.config.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: ['package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommended,
	},
);
