import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { INVALID_INPUT, JPEG, NodeApiError, NodeOperationError, PDF, PNG, clock, envelope, fileItem, makeContext, run } from './helpers.mjs';
import { INVOICE_DATA, OCR_DATA, failingEnvelope, invoiceEnvelope } from './fixtures.mjs';

const extract = (extra = {}) => ({ resource: 'document', operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', settings: {}, ...extra });

describe('Extract Invoice/Receipt', () => {
	test('Simplified: POST /v1/run/invoice, one flat object with per-field confidence', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: extract({ settings: { profile: 'fast', locale: 'ms-MY', minConfidence: 0.6 } }),
			host: () => ({ body: invoiceEnvelope() }),
		});
		const [out] = await run(ctx);
		const req = ctx.requests[0];
		assert.equal(req.method, 'POST');
		assert.equal(req.baseURL, 'http://grace.test:8080');
		assert.equal(req.url, '/v1/run/invoice');
		assert.equal(req.timeout, 120_000, 'default request timeout');
		assert.deepEqual(req.parts.file.content, JPEG);
		assert.deepEqual(JSON.parse(req.parts.options.content.toString()), { profile: 'fast', locale: 'ms-MY', min_confidence: 0.6 });
		const j = out[0].json;
		assert.equal(j.vendor_name, 'ACME SDN BHD');
		assert.equal(j.vendor_name_confidence, 0.9);
		assert.equal(j.total, '9.80');
		assert.equal(j.total_confidence, 0.95);
		assert.equal(j.iban, null);
		assert.equal(j.iban_confidence, null);
		assert.equal(j.doc_type, 'receipt');
		assert.equal(j.needs_review, false);
		assert.deepEqual(j.review_reasons, []);
		assert.deepEqual(j.validations_failed, []);
		assert.equal(j.document_sha256, 'ab'.repeat(32));
		assert.equal(j.cached, false);
		assert.equal(j.language, 'en');
		assert.equal(j.status, 'ok');
		assert.equal(j.line_item_count, 2);
		assert.equal('text' in j, false, 'raw text only when asked');
		assert.equal(JSON.stringify(j).includes('box'), false);
		assert.deepEqual(out[0].pairedItem, { item: 0 });
	});

	test('needs_review is derived from a low confidence or a failed check; the host\'s verdict counts, and the threshold can only add to it', async () => {
		for (const [body, want, reason] of [
			[invoiceEnvelope({ confidence: 0.5 }), true, /confidence 0.50 is below 0.80/],
			[failingEnvelope(), true, /check failed: lines_sum_to_total/],
			[invoiceEnvelope({ data: { needs_review: true, review_reasons: ['vendor_tax_id checksum'] } }), true, /checksum/],
			[invoiceEnvelope({ confidence: 0.95, data: { needs_review: false, review_reasons: [] } }), false, null],
			[invoiceEnvelope({ confidence: 0.5, data: { needs_review: false, review_reasons: [] } }), true, /confidence 0.50 is below 0.80/],
		]) {
			const ctx = makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => ({ body }) });
			const [[{ json }]] = await run(ctx);
			assert.equal(json.needs_review, want);
			assert.equal(json.status, want ? 'needs_review' : 'ok');
			if (reason) assert.match(json.review_reasons.join('|'), reason);
		}
		const ctx = makeContext({ items: [fileItem(JPEG)], params: extract({ settings: { reviewThreshold: 0.4 } }), host: () => ({ body: invoiceEnvelope({ confidence: 0.5 }) }) });
		assert.equal((await run(ctx))[0][0].json.needs_review, false, 'threshold is a setting');
		const failed = makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => ({ body: failingEnvelope() }) });
		assert.deepEqual((await run(failed))[0][0].json.validations_failed, ['lines_sum_to_total']);
	});

	test('Split line items: one item per line item, with the document fields', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG)], params: extract({ settings: { splitLineItems: true } }), host: () => ({ body: invoiceEnvelope() }) });
		const [out] = await run(ctx);
		assert.equal(out.length, 2);
		assert.deepEqual(out.map((o) => o.json.line_description), ['TEA', 'BUN']);
		assert.equal(out[1].json.line_quantity, '2');
		assert.equal(out[1].json.vendor_name, 'ACME SDN BHD');
		assert.equal('line_items' in out[0].json, false);
		assert.deepEqual(out.map((o) => o.pairedItem), [{ item: 0 }, { item: 0 }]);
	});

	test('Keep Source: input JSON, binary, both', async () => {
		for (const [keepSource, json, binary] of [['json', true, false], ['binary', false, true], ['both', true, true], ['none', false, false]]) {
			const items = [fileItem(JPEG, 'r.jpg', 'data', { subject: 'Invoice 7' })];
			const ctx = makeContext({ items, params: extract({ settings: { keepSource, includeRawText: true } }), host: () => ({ body: invoiceEnvelope() }) });
			const [[o]] = await run(ctx);
			assert.equal(o.json.source?.subject === 'Invoice 7', json, keepSource);
			assert.equal(o.binary === items[0].binary, binary, keepSource);
			assert.match(o.json.text, /TOTAL 9.80/);
		}
		const legacy = [fileItem(JPEG)];
		const ctx = makeContext({ items: legacy, params: extract({ settings: { passThroughBinary: true } }), host: () => ({ body: invoiceEnvelope() }) });
		assert.equal((await run(ctx))[0][0].binary, legacy[0].binary, 'the old Pass Through Binary still works');
	});

	test('Full, Raw and Compact Text', async () => {
		const body = invoiceEnvelope();
		const get = async (outputMode, settings = {}) => (await run(makeContext({ items: [fileItem(JPEG)], params: extract({ outputMode, settings }), host: () => ({ body }) })))[0][0].json;
		const full = await get('full');
		assert.equal(full.fields.vendor_name.value, 'ACME SDN BHD');
		assert.equal(full.fields.vendor_name.box, undefined);
		assert.equal(full.line_items[0].box, undefined);
		assert.equal(full.needs_review, false);
		assert.deepEqual(full.trace, body.trace);
		assert.deepEqual((await get('full', { includeBoxes: true })).fields.total.box, INVOICE_DATA.fields.total.box);
		assert.deepEqual(await get('raw'), body);
		const compact = await get('compact');
		assert.match(compact.text, /^doc_type: receipt\nvendor_name: ACME SDN BHD\nissue_date: 2018-03-12\ntotal: 9.80\nline_items:\n- TEA \| x1 \| 4.90/);
		assert.match(compact.text, /--- document text ---\nACME SDN BHD/);
		assert.equal(compact.text.includes('box'), false);
		assert.equal(compact.needs_review, false);
	});

	test('PDFs: sent as application/pdf with pages, password and dpi routed to the pdf step', async () => {
		const item = fileItem(PDF, 'invoice.pdf', 'data', {}, 'application/octet-stream');
		const ctx = makeContext({
			items: [item],
			params: extract({ settings: { pdfPages: '1-2', pdfPassword: 's3cret', pdfDpi: 200 } }),
			host: () => ({ body: invoiceEnvelope() }),
		});
		await run(ctx);
		const opts = JSON.parse(ctx.requests[0].parts.options.content.toString());
		assert.deepEqual(opts, { pdf: { pages: '1-2', password: 's3cret', dpi: 200 } });
		assert.match(ctx.requests[0].body.toString('latin1'), /Content-Type: application\/pdf/);
		const image = makeContext({ items: [fileItem(JPEG)], params: extract({ settings: { pdfPages: '1' } }), host: () => ({ body: invoiceEnvelope() }) });
		await run(image);
		assert.equal(image.requests[0].parts.options, undefined, 'PDF options only with a PDF');
	});

	test('an envelope with status ERROR at HTTP 200 and a 422 are errors naming the item and file', async () => {
		const bad = envelope('invoice', {}, { status: { code: 'ERROR' }, errors: [{ code: 'invalid_input', message: 'no text' }] });
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => ({ body: bad }) })), /Grace failed on item 0 \("receipt.jpg"\): invalid_input: no text/);
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => INVALID_INPUT })), (e) => e instanceof NodeApiError && e.httpCode === '422');
	});
});

describe('Extract and Wait', () => {
	const params = (extra = {}) => ({ ...extract(), operation: 'extractAndWait', waitTimeoutSeconds: 300, ...extra });

	test('submits to process_image?module=invoice and polls result/{id} with backoff', async () => {
		let polls = 0;
		const ctx = makeContext({
			items: [fileItem(PDF, 'long.pdf', 'data', {}, 'application/pdf')],
			params: params({ settings: { pdfPages: '2-' } }),
			host: (req) => {
				if (req.url === '/api/ocr/process_image') return { statusCode: 202, body: { request_id: 'r-1', status: 'queued', module: 'invoice', result_url: '/api/ocr/result/r-1' } };
				polls++;
				if (polls < 5) return { body: { request_id: 'r-1', status: polls < 3 ? 'queued' : 'processing', module: 'invoice', result: null } };
				return { body: { request_id: 'r-1', status: 'done', module: 'invoice', result: invoiceEnvelope() } };
			},
		});
		const [out] = await run(ctx);
		assert.equal(ctx.requests[0].qs.module, 'invoice');
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { pdf: { pages: '2-' } });
		assert.equal(ctx.requests[1].url, '/api/ocr/result/r-1');
		assert.equal(polls, 5);
		assert.deepEqual(clock.sleeps, [1000, 1500, 2250, 3375]);
		assert.equal(out[0].json.request_id, 'r-1');
		assert.equal(out[0].json.vendor_name, 'ACME SDN BHD');
		assert.equal(out[0].json.total_confidence, 0.95);
	});

	test('a job still running at the timeout is an error that says so; a failed job names it', async () => {
		const running = makeContext({
			items: [fileItem(JPEG)],
			params: params({ waitTimeoutSeconds: 5 }),
			host: (req) => (req.method === 'POST' ? { statusCode: 202, body: { request_id: 'r-2' } } : { body: { request_id: 'r-2', status: 'processing' } }),
		});
		await assert.rejects(run(running), (e) => e instanceof NodeOperationError && /r-2 \(item 0\) is still processing after 5 s/.test(e.message));
		assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) <= 5000);
		const failed = makeContext({
			items: [fileItem(JPEG)],
			params: params(),
			host: (req) => (req.method === 'POST' ? { statusCode: 202, body: { request_id: 'r-3' } } : { body: { request_id: 'r-3', status: 'failed', error: { code: 'invalid_input', message: 'cannot decode image' } } }),
		});
		await assert.rejects(run(failed), /Grace job r-3 \(item 0\) failed: invalid_input: cannot decode image/);
	});
});

describe('Read Text', () => {
	const params = (extra = {}) => ({ resource: 'document', operation: 'readText', binaryPropertyName: 'data', outputMode: 'simplified', settings: {}, ...extra });

	test('an image: POST /v1/run/ocr; text and lines, boxes only when asked; no locale', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG)], params: params({ settings: { locale: 'es-ES', profile: 'fast' } }), host: () => ({ body: envelope('ocr', OCR_DATA) }) });
		const [[{ json }]] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/v1/run/ocr');
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { profile: 'fast' });
		assert.equal(json.text, OCR_DATA.text);
		assert.equal(json.line_count, 2);
		assert.equal(json.confidence, 0.93);
		assert.deepEqual(json.page, { width: 800, height: 1200 });
		assert.equal(json.lines[0].box, undefined);
		const boxes = makeContext({ items: [fileItem(JPEG)], params: params({ settings: { includeBoxes: true } }), host: () => ({ body: envelope('ocr', OCR_DATA) }) });
		assert.deepEqual((await run(boxes))[0][0].json.lines[0].box, OCR_DATA.lines[0].box);
	});

	test('a PDF: /v1/run/pdf with the PDF settings, then /v1/run/ocr for each page without a text layer', async () => {
		const pdfData = {
			page_count: 3,
			dpi: 200,
			pages: [
				{ number: 1, source: 'text-layer', page: { width: 1654, height: 2339 }, lines: [{ text: 'INVOICE 7', confidence: 1, box: [[0, 0], [1, 0], [1, 1], [0, 1]] }], text: 'INVOICE 7' },
				{ number: 2, source: 'image', page: { width: 1654, height: 2339 }, lines: [], text: '', image: { media_type: 'image/png', width: 1654, height: 2339, base64: PNG.toString('base64') } },
			],
			text: 'INVOICE 7\n\n',
		};
		const ctx = makeContext({
			items: [fileItem(PDF, 'scan.pdf', 'data', {}, 'application/pdf')],
			params: params({ settings: { pdfPages: '1-2', pdfPassword: 'pw', pdfDpi: 200, minConfidence: 0.4 } }),
			host: (req) => (req.url === '/v1/run/pdf' ? { body: envelope('pdf', pdfData) } : { body: envelope('ocr', OCR_DATA) }),
		});
		const [[{ json }]] = await run(ctx);
		assert.deepEqual(ctx.requests.map((r) => r.url), ['/v1/run/pdf', '/v1/run/ocr']);
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { pages: '1-2', password: 'pw', dpi: 200, render: 'auto' });
		assert.deepEqual(ctx.requests[1].parts.file.content, PNG);
		assert.equal(ctx.requests[1].parts.file.filename, 'scan-page-2.png');
		assert.deepEqual(JSON.parse(ctx.requests[1].parts.options.content.toString()), { min_confidence: 0.4 });
		assert.equal(json.text, `INVOICE 7\n\n${OCR_DATA.text}`);
		assert.equal(json.line_count, 3);
		assert.equal(json.page_count, 3);
		assert.deepEqual(json.pages.map((p) => [p.number, p.source]), [[1, 'text-layer'], [2, 'ocr']]);
		assert.equal(json.confidence, 0.93);
		assert.deepEqual(json.lines.map((l) => l.page), [1, 2, 2]);
		const compact = makeContext({
			items: [fileItem(PDF, 'scan.pdf', 'data', {}, 'application/pdf')],
			params: params({ outputMode: 'compact' }),
			host: (req) => (req.url === '/v1/run/pdf' ? { body: envelope('pdf', pdfData) } : { body: envelope('ocr', OCR_DATA) }),
		});
		assert.equal((await run(compact))[0][0].json.text, `--- page 1 ---\nINVOICE 7\n\n--- page 2 ---\n${OCR_DATA.text}`);
	});
});

describe('Run Module', () => {
	const params = (extra = {}) => ({ resource: 'document', operation: 'runModule', binaryPropertyName: 'data', module: 'hash', moduleOptions: '{"algo":"sha256"}', runOutput: 'data', settings: {}, ...extra });

	test('runs the chosen module with its JSON options and the settings merged', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG)], params: params({ settings: { profile: 'fast' } }), host: () => ({ body: envelope('hash', { sha256: 'ff', box: 1 }) }) });
		const [[{ json }]] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/v1/run/hash');
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { algo: 'sha256', profile: 'fast' });
		assert.deepEqual(json, { sha256: 'ff' });
		const raw = makeContext({ items: [fileItem(JPEG)], params: params({ runOutput: 'raw', moduleOptions: { a: 1 } }), host: () => ({ body: envelope('hash', { sha256: 'ff' }) }) });
		const [[r]] = await run(raw);
		assert.equal(r.json.contract_version, '1.2');
		assert.deepEqual(JSON.parse(raw.requests[0].parts.options.content.toString()), { a: 1 });
	});

	test('bad options JSON, no module, an unknown module', async () => {
		const noCall = () => {
			throw new Error('no request expected');
		};
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: params({ moduleOptions: '{nope' }), host: noCall })), /Module Options of item 0 is not valid JSON/);
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: params({ moduleOptions: '[1]' }), host: noCall })), /must be a JSON object/);
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: params({ module: ' ' }), host: noCall })), /No module chosen for item 0/);
		const unknown = { statusCode: 404, body: { error: { code: 'unknown_module', message: 'no module named "nope"' } } };
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: params({ module: 'nope' }), host: () => unknown })), (e) => /GET \/v1\/modules/.test(e.description));
	});
});
