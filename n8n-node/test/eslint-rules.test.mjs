import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

import { graceRules } from '../eslint-rules/grace-rules.mjs';

const linter = new Linter({ configType: 'flat' });
const lint = (code, filename) =>
	linter.verify(
		code,
		[
			{
				files: ['**/*.ts', '**/*.json'],
				languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
				plugins: { '@grace': graceRules },
				rules: { '@grace/options-sorted-alphabetically': 'warn', '@grace/no-codex-subcategories': 'error' },
			},
		],
		filename,
	);

test('options-sorted-alphabetically: any options parameter, in any .ts file', () => {
	const bad = lint("export const p = [{ displayName: 'Mode', type: 'options', options: [{ name: 'Raw', value: 'r' }, { name: 'full', value: 'f' }] }];", 'actions/x.operation.ts');
	assert.equal(bad.length, 1);
	assert.match(bad[0].message, /Expected order: full, Raw/);
	assert.equal(lint("export const p = { type: 'options', options: [{ name: 'a', value: 1 }, { name: 'B', value: 2 }] };", 'x.ts').length, 0);
	assert.equal(lint("export const p = { type: 'options', options: [{ name: n, value: 1 }, { name: 'A', value: 2 }] };", 'x.ts').length, 0, 'dynamic names are skipped');
});

test('no-codex-subcategories: in a .node.json codex and an inline codex', () => {
	const json = lint('{ "node": "x", "categories": ["Productivity"], "subcategories": { "Productivity": ["Files"] } }', 'nodes/X/X.node.json');
	assert.equal(json.length, 1);
	assert.equal(json[0].ruleId, '@grace/no-codex-subcategories');
	assert.equal(lint('{ "node": "x", "categories": ["Productivity"] }', 'nodes/X/X.node.json').length, 0);
	assert.equal(lint("export const d = { codex: { categories: ['A'], subcategories: { A: ['b'] } } };", 'X.node.ts').length, 1);
});
