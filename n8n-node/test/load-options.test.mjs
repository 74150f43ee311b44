import { test } from 'node:test';
import assert from 'node:assert/strict';

import { OcrExtract, makeContext } from './helpers.mjs';

test('loadOptions lists pipelines and modules from GET /v1/modules', async () => {
	const ctx = makeContext({
		items: [],
		params: {},
		host: () => ({
			body: {
				modules: [{ name: 'ocr', version: '0.1.0', summary: 'Text' }, { name: 'hash', version: '0.1.0' }],
				pipelines: [{ name: 'invoice', steps: ['pdf', 'ocr', 'invoice-fields', 'hash'] }, { name: 'text', steps: [{ module: 'pdf' }, { module: 'ocr' }], available: false, unavailable_reason: 'pdf missing' }],
			},
		}),
	});
	const options = await new OcrExtract().methods.loadOptions.getModules.call(ctx);
	assert.equal(ctx.requests[0].url, '/v1/modules');
	assert.deepEqual(options.map((o) => o.value), ['hash', 'invoice', 'ocr', 'text']);
	assert.equal(options.find((o) => o.value === 'invoice').description, 'Pipeline: pdf → ocr → invoice-fields → hash');
	assert.match(options.find((o) => o.value === 'text').description, /Unavailable on this host: pdf missing/);
	const bad = makeContext({ items: [], params: {}, host: () => ({ statusCode: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }) });
	await assert.rejects(new OcrExtract().methods.loadOptions.getModules.call(bad), /unauthorized: bad key/);
});
