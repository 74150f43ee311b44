import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
	CORRUPT,
	FLAT_INVOICE,
	GraceApi,
	INVALID_INPUT,
	JPEG,
	NodeApiError,
	NodeOperationError,
	OcrExtract,
	envelope,
	fileItem,
	generic,
	makeContext,
	run,
} from './helpers.mjs';

const FULL_DATA = {
	doc_type: 'receipt',
	fields: {
		vendor_name: { value: 'ACME SDN BHD', confidence: 0.9, box: [[1, 2], [3, 2], [3, 4], [1, 4]] },
		total: { value: 9.8, confidence: 0.95, box: [[5, 6], [7, 6], [7, 8], [5, 8]] },
	},
	tax_lines: [],
	line_items: [{ description: 'TEA', amount: 9.8, box: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
	validations: [{ rule: 'sum', passed: true }],
	text: 'ACME SDN BHD\nTOTAL 9.80',
};

const OCR_DATA = {
	page: { width: 800, height: 1200 },
	lines: [
		{ text: 'ACME SDN BHD', confidence: 0.97, box: [[1, 1], [9, 1], [9, 3], [1, 3]], words: [] },
		{ text: 'TOTAL 9.80', confidence: 0.88, box: [[1, 5], [9, 5], [9, 7], [1, 7]], words: [] },
	],
	text: 'ACME SDN BHD\nTOTAL 9.80',
};

describe('description', () => {
	test('node is usable as a tool, needs Grace API credentials and lists every operation', () => {
		const d = new OcrExtract().description;
		assert.equal(d.displayName, 'OCR Extract');
		assert.equal(d.usableAsTool, true);
		assert.deepEqual(d.credentials, [{ name: 'graceApi', required: true }]);
		const ops = d.properties.find((p) => p.name === 'operation').options.map((o) => o.value);
		assert.deepEqual(ops.sort(), ['extractInvoice', 'getResult', 'readText', 'runModule', 'submitJob']);
		const settings = d.properties.find((p) => p.name === 'settings').options.map((o) => o.name);
		for (const s of ['profile', 'locale', 'minConfidence', 'includeBoxes', 'includeRawText', 'passThroughBinary']) {
			assert.ok(settings.includes(s), s);
		}
		assert.equal(d.icon.light, 'file:../../icons/grace.svg');
		assert.equal(d.icon.dark, 'file:../../icons/grace.dark.svg');
	});

	test('credentials send the key as a header and are tested against /health', () => {
		const c = new GraceApi();
		assert.equal(c.displayName, 'Grace API');
		const url = c.properties.find((p) => p.name === 'url');
		assert.equal(url.default, 'http://localhost:8080');
		const key = c.properties.find((p) => p.name === 'apiKey');
		assert.equal(key.typeOptions.password, true);
		assert.equal(c.authenticate.type, 'generic');
		assert.equal(c.authenticate.properties.headers['X-API-Key'], '={{$credentials.apiKey}}');
		assert.equal(c.test.request.url, '/health');
	});
});

describe('Extract Invoice/Receipt', () => {
	test('Simplified posts the file to /v1/zapier/invoice and returns the flat object', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: {
				operation: 'extractInvoice',
				binaryPropertyName: 'data',
				outputMode: 'simplified',
				settings: { profile: 'fast', locale: 'ms-MY', minConfidence: 0.6 },
			},
			host: () => ({ body: FLAT_INVOICE }),
		});
		const [out] = await run(ctx);
		assert.equal(out.length, 1);
		const req = ctx.requests[0];
		assert.equal(req.method, 'POST');
		assert.equal(req.baseURL, 'http://grace.test:8080');
		assert.equal(req.url, '/v1/zapier/invoice');
		assert.match(req.headers['Content-Type'], /^multipart\/form-data; boundary=/);
		assert.deepEqual(req.parts.file.content, JPEG);
		assert.equal(req.parts.file.filename, 'receipt.jpg');
		assert.deepEqual(JSON.parse(req.parts.options.content.toString()), {
			profile: 'fast',
			locale: 'ms-MY',
			min_confidence: 0.6,
		});
		assert.equal(out[0].json.vendor_name, 'ACME SDN BHD');
		assert.equal(out[0].json.total, 9.8);
		assert.equal(out[0].json.needs_review, false);
		assert.equal('text' in out[0].json, false, 'raw text only when asked');
		assert.deepEqual(out[0].pairedItem, { item: 0 });
		assert.equal(out[0].binary, undefined);
	});

	test('Simplified keeps the text and the binary when asked', async () => {
		const items = [fileItem(JPEG)];
		const ctx = makeContext({
			items,
			params: {
				operation: 'extractInvoice',
				binaryPropertyName: 'data',
				outputMode: 'simplified',
				settings: { includeRawText: true, passThroughBinary: true },
			},
			host: () => ({ body: FLAT_INVOICE }),
		});
		const [out] = await run(ctx);
		assert.equal(out[0].json.text, FLAT_INVOICE.text);
		assert.equal(out[0].binary, items[0].binary);
	});

	test('Full returns result.data plus the trace, without boxes unless asked', async () => {
		const host = (req) => {
			assert.equal(req.url, '/v1/run/invoice');
			return { body: envelope('invoice', FULL_DATA) };
		};
		const params = { operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'full', settings: {} };
		let [out] = await run(makeContext({ items: [fileItem(JPEG)], params, host }));
		const json = out[0].json;
		assert.equal(json.fields.total.value, 9.8);
		assert.equal(json.fields.total.confidence, 0.95);
		assert.equal(json.fields.total.box, undefined);
		assert.equal(json.line_items[0].box, undefined);
		assert.deepEqual(json.validations, FULL_DATA.validations);
		assert.equal(json.trace[0].module, 'ocr');
		assert.equal(json.text, undefined);

		params.settings = { includeBoxes: true, includeRawText: true };
		[out] = await run(makeContext({ items: [fileItem(JPEG)], params, host }));
		assert.deepEqual(out[0].json.fields.total.box, FULL_DATA.fields.total.box);
		assert.equal(out[0].json.text, FULL_DATA.text);
	});

	test('Raw returns the whole envelope', async () => {
		const env = envelope('invoice', FULL_DATA);
		const [out] = await run(
			makeContext({
				items: [fileItem(JPEG)],
				params: { operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'raw', settings: {} },
				host: () => ({ body: env }),
			}),
		);
		assert.deepEqual(out[0].json, env);
	});

	test('a Simplified answer with status "error" is an error', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', settings: {} },
			host: () => ({
				body: { ...FLAT_INVOICE, status: 'error', error_code: 'invalid_input', error_message: 'blank page' },
			}),
		});
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeApiError);
			assert.match(e.message, /item 0 \("receipt\.jpg"\): invalid_input: blank page/);
			return true;
		});
	});

	test('an envelope with status ERROR at HTTP 200 is an error', async () => {
		const env = envelope('invoice', null, { status: { code: 'TIMEOUT' }, errors: [{ code: 'timeout', message: 'deadline' }] });
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'full', settings: {} },
			host: () => ({ body: env }),
		});
		await assert.rejects(run(ctx), /timeout: deadline/);
	});
});

describe('Read Text', () => {
	test('returns text and lines with confidence; boxes only when asked', async () => {
		const host = (req) => {
			assert.equal(req.url, '/v1/run/ocr');
			const options = req.parts.options ? JSON.parse(req.parts.options.content.toString()) : {};
			assert.equal(options.locale, undefined, 'locale is not an ocr option');
			return { body: envelope('ocr', OCR_DATA) };
		};
		const params = { operation: 'readText', binaryPropertyName: 'data', settings: { locale: 'es-ES', profile: 'accurate' } };
		let [out] = await run(makeContext({ items: [fileItem(JPEG)], params, host }));
		assert.equal(out[0].json.text, OCR_DATA.text);
		assert.equal(out[0].json.line_count, 2);
		assert.equal(out[0].json.confidence, 0.93);
		assert.deepEqual(out[0].json.lines[1], { text: 'TOTAL 9.80', confidence: 0.88 });
		assert.deepEqual(out[0].json.page, { width: 800, height: 1200 });

		params.settings = { includeBoxes: true };
		[out] = await run(makeContext({ items: [fileItem(JPEG)], params, host }));
		assert.deepEqual(out[0].json.lines[0].box, OCR_DATA.lines[0].box);
	});
});

describe('Run Module', () => {
	test('runs the chosen module with the JSON options merged with the settings', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: {
				operation: 'runModule',
				binaryPropertyName: 'data',
				module: 'hash',
				moduleOptions: '{"algorithms": ["sha256"]}',
				runOutput: 'data',
				settings: { profile: 'fast' },
			},
			host: () => ({ body: envelope('hash', { sha256: 'aa' }) }),
		});
		const [out] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/v1/run/hash');
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), {
			algorithms: ['sha256'],
			profile: 'fast',
		});
		assert.deepEqual(out[0].json, { sha256: 'aa' });
	});

	test('Raw output and an options object from an expression', async () => {
		const env = envelope('hash', { sha256: 'aa' });
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'runModule', binaryPropertyName: 'data', module: 'hash', moduleOptions: { a: 1 }, runOutput: 'raw', settings: {} },
			host: () => ({ body: env }),
		});
		const [out] = await run(ctx);
		assert.deepEqual(out[0].json, env);
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { a: 1 });
	});

	test('invalid options JSON is a NodeOperationError for that item, before any request', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'runModule', binaryPropertyName: 'data', module: 'hash', moduleOptions: '{nope', settings: {} },
			host: () => assert.fail('no request expected'),
		});
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeOperationError);
			assert.match(e.message, /Module Options of item 0 is not valid JSON/);
			assert.equal(e.context.itemIndex, 0);
			return true;
		});
		const arrayCtx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'runModule', binaryPropertyName: 'data', module: 'hash', moduleOptions: '[1]', settings: {} },
			host: () => assert.fail('no request expected'),
		});
		await assert.rejects(run(arrayCtx), /must be a JSON object/);
	});

	test('an unknown module surfaces the host error with a hint', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'runModule', binaryPropertyName: 'data', module: 'nope', moduleOptions: '{}', settings: {} },
			host: () => ({ statusCode: 404, body: { error: { code: 'unknown_module', message: 'no module or pipeline named nope' } } }),
		});
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeApiError);
			assert.equal(e.httpCode, '404');
			assert.match(e.message, /unknown_module: no module or pipeline named nope/);
			assert.match(e.description, /GET \/v1\/modules/);
			return true;
		});
	});

	test('no module chosen is an error', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { operation: 'runModule', binaryPropertyName: 'data', module: '', moduleOptions: '{}', settings: {} },
			host: () => assert.fail('no request expected'),
		});
		await assert.rejects(run(ctx), /No module chosen for item 0/);
	});

	test('loadOptions lists pipelines and modules from GET /v1/modules', async () => {
		const ctx = makeContext({
			items: [],
			params: {},
			host: (req) => {
				assert.equal(req.method, 'GET');
				assert.equal(req.url, '/v1/modules');
				return {
					body: {
						modules: [
							{ name: 'ocr', version: '0.1.0', summary: 'text with layout' },
							{ name: 'hash', version: '0.1.0', summary: 'digests' },
						],
						pipelines: [
							{ name: 'invoice', steps: ['ocr', 'invoice-fields', 'hash'], available: true },
							{ name: 'receipt-lite', steps: ['ocr', 'nope'], available: false, unavailable_reason: 'module nope is not loaded' },
						],
					},
				};
			},
		});
		const options = await new OcrExtract().methods.loadOptions.getModules.call(ctx);
		assert.deepEqual(
			options.map((o) => o.value),
			['hash', 'invoice', 'ocr', 'receipt-lite'],
		);
		const lite = options.find((o) => o.value === 'receipt-lite');
		assert.equal(lite.name, 'receipt-lite (pipeline, unavailable)');
		assert.match(lite.description, /module nope is not loaded/);
		assert.equal(options.find((o) => o.value === 'invoice').description, 'Pipeline: ocr → invoice-fields → hash');

		const bad = makeContext({ items: [], params: {}, host: () => ({ statusCode: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }) });
		await assert.rejects(new OcrExtract().methods.loadOptions.getModules.call(bad), /unauthorized: bad key/);
	});
});

describe('Submit Job / Get Result', () => {
	test('Submit Job queues the file on /api/ocr/process_image?module=NAME', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG, 'a.jpg')],
			params: { operation: 'submitJob', binaryPropertyName: 'data', jobModule: 'invoice', moduleOptions: '{}', settings: {} },
			host: () => ({
				statusCode: 202,
				body: { request_id: 'r-1', status: 'queued', module: 'invoice', result_url: '/api/ocr/result/r-1' },
			}),
		});
		const [out] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/api/ocr/process_image');
		assert.deepEqual(ctx.requests[0].qs, { module: 'invoice' });
		assert.equal(out[0].json.request_id, 'r-1');
		assert.equal(out[0].json.file_name, 'a.jpg');
	});

	test('Get Result polls until the job is done and returns its data', async () => {
		let polls = 0;
		const ctx = makeContext({
			items: [{ json: { request_id: 'r-1' } }],
			params: { operation: 'getResult', requestId: 'r-1', waitForCompletion: true, timeoutSeconds: 5, pollIntervalSeconds: 0.1, resultOutput: 'data' },
			host: (req) => {
				assert.equal(req.url, '/api/ocr/result/r-1');
				polls++;
				if (polls < 3) return { body: { request_id: 'r-1', status: polls === 1 ? 'queued' : 'processing', result: null } };
				return { body: { request_id: 'r-1', module: 'invoice', status: 'done', result: envelope('invoice', { total: 9.8 }), error: null } };
			},
		});
		const [out] = await run(ctx);
		assert.equal(polls, 3);
		assert.deepEqual(out[0].json, { request_id: 'r-1', status: 'done', module: 'invoice', total: 9.8 });
		assert.deepEqual(out[0].pairedItem, { item: 0 });
	});

	test('Get Result without waiting returns the job record as it is', async () => {
		const ctx = makeContext({
			items: [{ json: {} }],
			params: { operation: 'getResult', requestId: 'r-2', waitForCompletion: false, resultOutput: 'data' },
			host: () => ({ body: { request_id: 'r-2', status: 'queued', result: null } }),
		});
		const [out] = await run(ctx);
		assert.equal(ctx.requests.length, 1);
		assert.equal(out[0].json.status, 'queued');
	});

	test('Get Result raw output returns the whole job record', async () => {
		const record = { request_id: 'r-1', module: 'ocr', status: 'done', result: envelope('ocr', OCR_DATA), error: null };
		const ctx = makeContext({
			items: [{ json: {} }],
			params: { operation: 'getResult', requestId: 'r-1', waitForCompletion: true, timeoutSeconds: 1, pollIntervalSeconds: 0.1, resultOutput: 'raw' },
			host: () => ({ body: record }),
		});
		const [out] = await run(ctx);
		assert.deepEqual(out[0].json, record);
	});

	test('a failed job is an error naming the job and the item', async () => {
		const ctx = makeContext({
			items: [{ json: {} }],
			params: { operation: 'getResult', requestId: 'r-3', waitForCompletion: true, timeoutSeconds: 1, pollIntervalSeconds: 0.1 },
			host: () => ({ body: { request_id: 'r-3', status: 'failed', result: null, error: { code: 'invalid_input', message: 'not an image' } } }),
		});
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeApiError);
			assert.match(e.message, /job r-3 \(item 0\) failed: invalid_input: not an image/);
			return true;
		});
	});

	test('waiting is bounded by the timeout', async () => {
		let polls = 0;
		const ctx = makeContext({
			items: [{ json: {} }],
			params: { operation: 'getResult', requestId: 'r-4', waitForCompletion: true, timeoutSeconds: 0.3, pollIntervalSeconds: 0.1 },
			host: () => {
				polls++;
				return { body: { request_id: 'r-4', status: 'processing' } };
			},
		});
		const started = Date.now();
		await assert.rejects(run(ctx), /job r-4 \(item 0\) is still processing after 0.3 s/);
		assert.ok(polls >= 3 && polls <= 5, `polls=${polls}`);
		assert.ok(Date.now() - started < 2000);
	});

	test('an unknown request id and an empty one are errors', async () => {
		const ctx = makeContext({
			items: [{ json: {} }],
			params: { operation: 'getResult', requestId: 'nope', waitForCompletion: true, timeoutSeconds: 1, pollIntervalSeconds: 0.1 },
			host: () => ({ statusCode: 404, body: { error: { code: 'not_found', message: 'no job nope' } } }),
		});
		await assert.rejects(run(ctx), /not_found: no job nope/);
		const empty = makeContext({ items: [{ json: {} }], params: { operation: 'getResult', requestId: '  ' }, host: () => assert.fail() });
		await assert.rejects(run(empty), /Item 0 has no request ID/);
	});
});

describe('input binary field', () => {
	for (const typed of ['data', ' data ', '$binary.data', '{{$binary.data}}', '={{ $binary.data }}', '{{ $binary["data"] }}', '']) {
		test(`accepts ${JSON.stringify(typed)}`, async () => {
			const ctx = makeContext({
				items: [fileItem(JPEG)],
				params: { operation: 'extractInvoice', binaryPropertyName: typed, outputMode: 'simplified', settings: {} },
				host: () => ({ body: FLAT_INVOICE }),
			});
			const [out] = await run(ctx);
			assert.equal(out[0].json.vendor_name, 'ACME SDN BHD');
		});
	}

	test('accepts the binary object an evaluated {{$binary.attachment_0}} expression gives', async () => {
		const item = fileItem(JPEG, 'mail.jpg', 'attachment_0');
		item.binary.other = { ...item.binary.attachment_0, fileName: 'other.png', data: 'AAAA' };
		const ctx = makeContext({
			items: [item],
			params: { operation: 'extractInvoice', binaryPropertyName: item.binary.attachment_0, outputMode: 'simplified', settings: {} },
			host: () => ({ body: FLAT_INVOICE }),
		});
		await run(ctx);
		assert.equal(ctx.requests[0].parts.file.filename, 'mail.jpg');
	});

	test('a missing field names the item and lists the fields it has', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG, 'x.jpg', 'attachment_0')],
			params: { operation: 'readText', binaryPropertyName: 'data', settings: {} },
			host: () => assert.fail('no request expected'),
		});
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeOperationError);
			assert.equal(e.message, 'Item 0 has no binary field "data"');
			assert.match(e.description, /attachment_0/);
			assert.equal(e.context.itemIndex, 0);
			return true;
		});
		const none = makeContext({ items: [{ json: {} }], params: { operation: 'readText', binaryPropertyName: 'data', settings: {} }, host: () => assert.fail() });
		await assert.rejects(run(none), (e) => /carries no file/.test(e.description));
	});

	test('resolveBinaryPropertyName edge cases', () => {
		const r = generic.resolveBinaryPropertyName;
		const item = { json: {}, binary: { a: { data: 'x', mimeType: 'image/png', id: 'id-a' } } };
		assert.equal(r("$binary['my file']", item), 'my file');
		assert.equal(r({ id: 'id-a' }, item), 'a');
		assert.equal(r({ id: 'other' }, item), 'a', 'the only binary field');
		assert.equal(r({ id: 'other' }, { json: {}, binary: { a: {}, b: {} } }), undefined);
		assert.equal(r(undefined, item), 'data');
	});
});

describe('errors across items', () => {
	const items = Array.from({ length: 20 }, (_, i) =>
		i === 7 ? fileItem(CORRUPT, 'corrupt.jpg') : fileItem(JPEG, `receipt-${i}.jpg`),
	);
	const host = (req) =>
		req.parts.file.content.equals(CORRUPT) ? INVALID_INPUT : { body: { ...FLAT_INVOICE, invoice_number: req.parts.file.filename } };
	const params = { operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', settings: {} };

	test('20 items with 1 corrupt and Continue On Fail on: 19 results and 1 error item, paired', async () => {
		const ctx = makeContext({ items, params, host, continueOnFail: true });
		const [out] = await run(ctx);
		assert.equal(out.length, 20);
		const errors = out.filter((o) => 'error' in o.json);
		assert.equal(errors.length, 1);
		assert.equal(out.filter((o) => o.json.vendor_name === 'ACME SDN BHD').length, 19);
		assert.deepEqual(errors[0].pairedItem, { item: 7 });
		assert.match(errors[0].json.error, /item 7 \("corrupt\.jpg"\): invalid_input: cannot decode image/);
		assert.equal(errors[0].json.http_status, 422);
		out.forEach((o, i) => assert.deepEqual(o.pairedItem, { item: i }));
		assert.equal(out[8].json.invoice_number, 'receipt-8.jpg');
	});

	test('20 items with 1 corrupt and Continue On Fail off: stops at the corrupt item with a message naming it', async () => {
		const ctx = makeContext({ items, params, host, continueOnFail: false });
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeApiError);
			assert.equal(e.context.itemIndex, 7);
			assert.match(e.message, /Grace failed on item 7 \("corrupt\.jpg"\)/);
			assert.match(e.description, /HTTP 422/);
			return true;
		});
		assert.equal(ctx.requests.length, 8, 'no item after the failing one is sent');
	});

	test('401 gets a hint about the API key', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params,
			host: () => ({ statusCode: 401, body: { error: { code: 'unauthorized', message: 'missing or bad API key' } } }),
		});
		await assert.rejects(run(ctx), (e) => /API key/.test(e.description) && e.httpCode === '401');
	});

	test('an unreachable host is an error for the item, or an error item with Continue On Fail', async () => {
		const host = () => {
			throw new Error('connect ECONNREFUSED 127.0.0.1:8080');
		};
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params, host })), (e) => {
			assert.ok(e instanceof NodeOperationError);
			assert.equal(e.context.itemIndex, 0);
			assert.match(e.message, /refused the connection/);
			return true;
		});
		const [out] = await run(makeContext({ items: [fileItem(JPEG)], params, host, continueOnFail: true }));
		assert.match(out[0].json.error, /refused the connection/);
		assert.deepEqual(out[0].pairedItem, { item: 0 });
	});

	test('429 is retried after Retry-After, then succeeds', async () => {
		let calls = 0;
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params,
			host: () => {
				calls++;
				if (calls < 3) return { statusCode: 429, headers: { 'retry-after': '0.1' }, body: { error: { code: 'rate_limited', message: 'slow down' } } };
				return { body: FLAT_INVOICE };
			},
		});
		const [out] = await run(ctx);
		assert.equal(calls, 3);
		assert.equal(out[0].json.vendor_name, 'ACME SDN BHD');
	});

	test('429 and 413 and non-JSON bodies give readable messages', async () => {
		for (const [answer, re] of [
			[{ statusCode: 429, headers: { 'retry-after': '0.05' }, body: { error: { code: 'rate_limited', message: 'slow down' } } }, /rate limiting/],
			[{ statusCode: 413, body: { error: { code: 'payload_too_large', message: 'big' } } }, /larger than/],
			[{ statusCode: 500, body: 'Internal Server Error' }, /HTTP 500/],
		]) {
			const ctx = makeContext({ items: [fileItem(JPEG)], params, host: () => answer });
			await assert.rejects(run(ctx), (e) => re.test(e.description) || re.test(e.message));
		}
	});
});

describe('helpers', () => {
	test('multipart boundary never occurs in the file', () => {
		const nasty = Buffer.from('----GraceN8nFormBoundary7MA4YWxkTrZu0gW and more');
		const { body, contentType } = generic.buildMultipart({ data: nasty, fileName: 'a"b.jpg', mimeType: '' });
		const boundary = /boundary=(.+)$/.exec(contentType)[1];
		assert.ok(!nasty.includes(boundary));
		assert.ok(body.includes('filename="a_b.jpg"'));
		assert.ok(body.includes('Content-Type: application/octet-stream'));
	});

	test('parseBody and hostError read every body shape', () => {
		assert.deepEqual(generic.parseBody(Buffer.from('{"a":1}')), { a: 1 });
		assert.deepEqual(generic.parseBody(''), {});
		assert.equal(generic.parseBody('plain'), 'plain');
		assert.deepEqual(generic.hostError({ errors: [{ code: 'x', message: 'y' }] }), { code: 'x', message: 'y' });
		assert.deepEqual(generic.hostError(null), { code: 'error', message: 'the host answered without an error message' });
	});

	test('the host URL loses its trailing slash and defaults to localhost:8080', async () => {
		const ctx = makeContext({ items: [], params: {}, host: () => ({}), credentials: { url: '', apiKey: '' } });
		assert.equal(await generic.getBaseUrl.call(ctx), 'http://localhost:8080');
	});
});
