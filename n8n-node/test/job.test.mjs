import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { CORRUPT, JPEG, NodeApiError, NodeOperationError, clock, envelope, fileItem, makeContext, run } from './helpers.mjs';
import { OCR_DATA, failingEnvelope, invoiceEnvelope } from './fixtures.mjs';

describe('Submit Job', () => {
	test('queues the file on /api/ocr/process_image?module=NAME with its options', async () => {
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: { resource: 'job', operation: 'submitJob', binaryPropertyName: 'data', jobModule: 'invoice', moduleOptions: '{}', settings: { locale: 'es-ES' } },
			host: () => ({ statusCode: 202, body: { request_id: 'r-1', status: 'queued', module: 'invoice', result_url: '/api/ocr/result/r-1' } }),
		});
		const [[{ json }]] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/api/ocr/process_image');
		assert.deepEqual(ctx.requests[0].qs, { module: 'invoice' });
		assert.deepEqual(JSON.parse(ctx.requests[0].parts.options.content.toString()), { locale: 'es-ES' });
		assert.deepEqual(json, { request_id: 'r-1', status: 'queued', module: 'invoice', result_url: '/api/ocr/result/r-1', file_name: 'receipt.jpg' });
	});
});

describe('Submit Batch', () => {
	const params = (extra = {}) => ({ resource: 'job', operation: 'submitBatch', binaryPropertyName: 'data', jobModule: 'invoice', moduleOptions: '{}', batchSize: 50, settings: {}, ...extra });
	const answer = (req) => ({
		statusCode: 202,
		body: { batch_id: `b-${req.parts ? Object.keys(req.parts).length : 0}`, jobs: parseFiles(req).map((f, i) => ({ request_id: `r-${f}-${i}`, filename: f })) },
	});
	const parseFiles = (req) => [...req.body.toString('latin1').matchAll(/name="file"; filename="([^"]+)"/g)].map((m) => m[1]);

	test('one POST /api/ocr/process_batch with every item\'s file; one output item per input item, paired', async () => {
		const items = [0, 1, 2].map((i) => fileItem(JPEG, `scan-${i}.jpg`, 'data', { n: i }));
		const ctx = makeContext({ items, params: params({ settings: { keepSource: 'json' } }), host: answer });
		const [out] = await run(ctx);
		assert.equal(ctx.requests.length, 1);
		assert.equal(ctx.requests[0].url, '/api/ocr/process_batch');
		assert.deepEqual(ctx.requests[0].qs, { module: 'invoice' });
		assert.deepEqual(parseFiles(ctx.requests[0]), ['scan-0.jpg', 'scan-1.jpg', 'scan-2.jpg']);
		assert.deepEqual(out.map((o) => o.json.request_id), ['r-scan-0.jpg-0', 'r-scan-1.jpg-1', 'r-scan-2.jpg-2']);
		assert.deepEqual(out.map((o) => o.pairedItem.item), [0, 1, 2]);
		assert.equal(out[2].json.source.n, 2);
		assert.equal(out[0].json.result_url, '/api/ocr/result/r-scan-0.jpg-0');
	});

	test('chunks by Batch Size; an item without a file is an error item with Continue On Fail, the rest go on', async () => {
		const items = [0, 1, 2, 3, 4].map((i) => fileItem(JPEG, `s${i}.jpg`));
		items[2] = { json: {} };
		const ctx = makeContext({ items, params: params({ batchSize: 2 }), host: answer, continueOnFail: true });
		const [out] = await run(ctx);
		assert.equal(ctx.requests.length, 2);
		assert.deepEqual(ctx.requests.map(parseFiles), [['s0.jpg', 's1.jpg'], ['s3.jpg', 's4.jpg']]);
		assert.equal(out.length, 5);
		assert.match(out[2].json.error, /Item 2 has no binary field "data"/);
		assert.deepEqual(out.map((o) => o.pairedItem.item), [0, 1, 2, 3, 4]);
		const stop = makeContext({ items, params: params(), host: answer });
		await assert.rejects(run(stop), /Item 2 has no binary field/);
	});

	test('a refused batch is an error for each of its items', async () => {
		const items = [fileItem(JPEG, 'a.jpg'), fileItem(JPEG, 'b.jpg')];
		const ctx = makeContext({ items, params: params(), continueOnFail: true, host: () => ({ statusCode: 413, body: { error: { code: 'too_many_files', message: 'at most 1' } } }) });
		const [out] = await run(ctx);
		assert.equal(out.length, 2);
		assert.ok(out.every((o) => /too_many_files/.test(o.json.error) && o.json.http_status === 413));
	});
});

describe('Get Result', () => {
	const params = (extra = {}) => ({ resource: 'job', operation: 'getResult', requestId: 'r-1', waitForCompletion: true, timeoutSeconds: 60, pollIntervalSeconds: 2, outputMode: 'simplified', settings: {}, ...extra });
	const done = (module, result) => ({ request_id: 'r-1', batch_id: 'b-1', module, status: 'done', result });

	test('polls with backoff until done; the same Simplified shape as Extract Invoice/Receipt, plus request_id', async () => {
		let n = 0;
		const ctx = makeContext({ items: [{ json: {} }], params: params(), host: () => ({ body: ++n < 3 ? { request_id: 'r-1', status: 'processing' } : done('invoice', invoiceEnvelope()) }) });
		const [[{ json }]] = await run(ctx);
		assert.equal(ctx.requests[0].url, '/api/ocr/result/r-1');
		assert.deepEqual(clock.sleeps, [2000, 3000]);
		const sync = await run(makeContext({ items: [fileItem(JPEG)], params: { resource: 'document', operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', settings: {} }, host: () => ({ body: invoiceEnvelope() }) }));
		const { request_id, batch_id, job_status, ...rest } = json;
		assert.equal(job_status, 'done');
		assert.equal(request_id, 'r-1');
		assert.equal(batch_id, 'b-1');
		assert.deepEqual(rest, sync[0][0].json);
	});

	test('Full, Compact, Raw; OCR jobs give the Read Text shape; other modules their data', async () => {
		const get = async (module, result, outputMode) => (await run(makeContext({ items: [{ json: {} }], params: params({ outputMode }), host: () => ({ body: done(module, result) }) })))[0][0].json;
		assert.ok(Array.isArray((await get('invoice', invoiceEnvelope(), 'full')).trace));
		assert.match((await get('invoice', invoiceEnvelope(), 'compact')).text, /vendor_name: ACME/);
		assert.equal((await get('invoice', invoiceEnvelope(), 'raw')).batch_id, 'b-1');
		const ocr = await get('ocr', envelope('ocr', OCR_DATA), 'simplified');
		assert.equal(ocr.text, OCR_DATA.text);
		assert.equal(ocr.line_count, 2);
		const hash = await get('hash', envelope('hash', { sha256: 'ff' }), 'simplified');
		assert.deepEqual(hash, { request_id: 'r-1', batch_id: 'b-1', job_status: 'done', module: 'hash', sha256: 'ff' });
	});

	test('without waiting: the record as it is; a failed job; the timeout; no request id; an unknown id', async () => {
		const queued = { request_id: 'r-1', status: 'queued', result: null };
		const [[{ json }]] = await run(makeContext({ items: [{ json: {} }], params: params({ waitForCompletion: false }), host: () => ({ body: queued }) }));
		assert.deepEqual(json, queued);
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: params(), host: () => ({ body: { request_id: 'r-1', status: 'failed', error: { code: 'timeout', message: 'ttl' } } }) })), (e) => e instanceof NodeApiError && /r-1 \(item 0\) failed: timeout/.test(e.message));
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: params({ timeoutSeconds: 3 }), host: () => ({ body: queued }) })), (e) => e instanceof NodeOperationError && /still queued after 3 s/.test(e.message));
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: params({ requestId: ' ' }), host: () => ({ body: queued }) })), /Item 0 has no request ID/);
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: params(), host: () => ({ statusCode: 404, body: { error: { code: 'not_found', message: 'no job r-1' } } }) })), (e) => /cleaned up/.test(e.description));
	});
});

describe('Route by Review', () => {
	test('needs_review or a failed check go to "Needs Review", the rest to "OK"; errors stay error items', async () => {
		const bodies = [invoiceEnvelope(), failingEnvelope(), invoiceEnvelope({ confidence: 0.3 }), null];
		const items = bodies.map((_, i) => fileItem(i === 3 ? CORRUPT : JPEG, `doc-${i}.jpg`));
		const ctx = makeContext({
			items,
			params: { resource: 'document', operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', routeByReview: true, settings: {} },
			continueOnFail: true,
			host: (req) => {
				const i = Number(/doc-(\d)/.exec(req.parts.file.filename)[1]);
				return bodies[i] ? { body: bodies[i] } : { statusCode: 422, body: { error: { code: 'invalid_input', message: 'cannot decode image' } } };
			},
		});
		const out = await run(ctx);
		assert.equal(out.length, 2);
		const [ok, review] = out;
		assert.deepEqual(ok.map((o) => o.pairedItem.item), [0, 3]);
		assert.ok('error' in ok[1].json);
		assert.deepEqual(review.map((o) => o.pairedItem.item), [1, 2]);
		const off = await run(makeContext({ items: [fileItem(JPEG)], params: { resource: 'document', operation: 'extractInvoice', binaryPropertyName: 'data', settings: {} }, host: () => ({ body: failingEnvelope() }) }));
		assert.equal(off.length, 1, 'one output when off');
		const readText = await run(makeContext({ items: [fileItem(JPEG)], params: { resource: 'document', operation: 'readText', binaryPropertyName: 'data', routeByReview: true, settings: {} }, host: () => ({ body: envelope('ocr', OCR_DATA) }) }));
		assert.equal(readText.length, 1, 'only extractions route');
	});
});
