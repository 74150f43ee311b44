// Two rules of n8n's community-node review that the published
// @n8n/eslint-plugin-community-nodes (0.32.0) does not ship yet, written
// here to the same contract:
//
// - options-sorted-alphabetically: every `type: 'options'` (or
//   'multiOptions') parameter lists its options sorted by name
//   (case-insensitive, locale-aware). Stricter than upstream, which looks
//   only at the top-level properties of a node class: here every object
//   literal of a .ts file counts, so descriptions split over actions/
//   files are checked too.
// - no-codex-subcategories: a node's codex (its .node.json file, or an
//   inline `codex: {...}`) must not set `subcategories`, whose values only
//   n8n's built-in node panel understands.

const keyName = (prop) => {
	if (prop.type !== 'Property') return undefined;
	if (prop.key.type === 'Identifier') return prop.key.name;
	if (prop.key.type === 'Literal') return String(prop.key.value);
	return undefined;
};
const findProp = (obj, name) => obj.properties.find((p) => keyName(p) === name);
const stringValue = (node) => {
	if (!node) return null;
	if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
	if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
	return null;
};

const optionsSorted = {
	meta: {
		type: 'suggestion',
		docs: { description: 'Enforce alphabetical ordering of options arrays in n8n node properties' },
		messages: {
			optionsNotSorted: 'Options in "{{ displayName }}" are not sorted alphabetically. Expected order: {{ expectedOrder }}.',
		},
		schema: [],
	},
	create(context) {
		if (!context.filename.endsWith('.ts')) return {};
		return {
			ObjectExpression(node) {
				const type = stringValue(findProp(node, 'type')?.value);
				if (type !== 'options' && type !== 'multiOptions') return;
				const options = findProp(node, 'options')?.value;
				if (!options || options.type !== 'ArrayExpression') return;
				const names = [];
				for (const el of options.elements) {
					if (!el || el.type !== 'ObjectExpression') return;
					const name = stringValue(findProp(el, 'name')?.value);
					if (name === null) return;
					names.push(name);
				}
				if (names.length <= 1) return;
				const sorted = [...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
				if (names.every((n, i) => n === sorted[i])) return;
				context.report({
					node: options,
					messageId: 'optionsNotSorted',
					data: {
						displayName: stringValue(findProp(node, 'displayName')?.value) ?? 'unknown',
						expectedOrder: sorted.join(', '),
					},
				});
			},
		};
	},
};

const noCodexSubcategories = {
	meta: {
		type: 'problem',
		docs: { description: 'Disallow codex.subcategories in community nodes' },
		messages: {
			subcategoriesNotAllowed:
				'codex.subcategories is not allowed in a community node: its values only mean something to n8n\'s built-in node panel, and an unknown value silently misfiles the node. Remove it.',
		},
		schema: [],
	},
	create(context) {
		const check = (obj) => {
			const sub = findProp(obj, 'subcategories');
			if (sub) context.report({ node: sub, messageId: 'subcategoriesNotAllowed' });
		};
		if (context.filename.endsWith('.node.json')) {
			return {
				ObjectExpression(node) {
					// the file's top-level object only
					const parent = node.parent;
					if (parent && (parent.type === 'ExpressionStatement' || parent.type === 'Program')) check(node);
				},
			};
		}
		if (!context.filename.endsWith('.ts')) return {};
		return {
			Property(node) {
				if (keyName(node) === 'codex' && node.value.type === 'ObjectExpression') check(node.value);
			},
		};
	},
};

export const graceRules = {
	meta: { name: 'grace-local-rules', version: '1.0.0' },
	rules: {
		'options-sorted-alphabetically': optionsSorted,
		'no-codex-subcategories': noCodexSubcategories,
	},
};
