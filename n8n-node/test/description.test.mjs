import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { GraceApi, OcrExtract } from './helpers.mjs';

describe('description', () => {
	const d = new OcrExtract().description;
	const prop = (name, resource) =>
		d.properties.find((p) => p.name === name && (!resource || p.displayOptions?.show?.resource?.includes(resource)));

	test('resources and operations as n8n lays out a multi-operation node', () => {
		assert.deepEqual(prop('resource').options.map((o) => o.value), ['document', 'job']);
		assert.deepEqual(prop('operation', 'document').options.map((o) => o.value), ['extractAndWait', 'extractInvoice', 'readText', 'runModule']);
		assert.deepEqual(prop('operation', 'job').options.map((o) => o.value), ['getResult', 'submitBatch', 'submitJob']);
	});

	test('every options list is sorted by name', () => {
		const walk = (props) => {
			for (const p of props) {
				if (p.type === 'options' && Array.isArray(p.options)) {
					const names = p.options.map((o) => o.name);
					const sorted = [...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
					assert.deepEqual(names, sorted, p.displayName);
				}
				if (p.type === 'collection') walk(p.options);
			}
		};
		walk(d.properties);
	});

	test('usable as a tool with a description written for agents; documents from URL or base64', () => {
		assert.equal(typeof d.usableAsTool, 'object');
		assert.match(d.usableAsTool.replacements.description, /needs_review/);
		assert.match(d.usableAsTool.replacements.description, /URL/);
		assert.deepEqual(prop('inputSource').options.map((o) => o.value), ['base64', 'binary', 'url']);
		assert.ok(prop('outputMode').options.some((o) => o.value === 'compact'));
	});

	test('outputs: one, or OK and Needs Review when Route by Review is on', () => {
		assert.match(d.outputs, /^=\{\{/);
		assert.match(d.outputs, /Needs Review/);
		assert.equal(prop('routeByReview').default, false);
	});

	test('settings and request options', () => {
		const settings = prop('settings').options.map((o) => o.name);
		for (const s of ['profile', 'locale', 'minConfidence', 'includeBoxes', 'includeRawText', 'keepSource', 'splitLineItems', 'reviewThreshold', 'pdfPages', 'pdfPassword', 'pdfDpi']) {
			assert.ok(settings.includes(s), s);
		}
		const request = prop('requestOptions');
		assert.equal(request.displayOptions, undefined, 'on every operation');
		assert.equal(request.options.find((o) => o.name === 'timeoutSeconds').default, 120);
		assert.equal(request.options.find((o) => o.name === 'retries').default, 3);
		assert.equal(d.icon.light, 'file:../../icons/grace.svg');
	});

	test('credentials send the key as a header and are tested on an authenticated route', () => {
		const c = new GraceApi();
		assert.equal(c.properties.find((p) => p.name === 'url').default, 'http://localhost:8080');
		assert.equal(c.properties.find((p) => p.name === 'apiKey').typeOptions.password, true);
		assert.equal(c.authenticate.properties.headers['X-API-Key'], '={{$credentials.apiKey}}');
		assert.equal(c.test.request.url, '/v1/modules');
		assert.equal(c.test.rules[0].properties.value, 401);
		assert.doesNotMatch(c.documentationUrl, /localhost/);
	});
});
