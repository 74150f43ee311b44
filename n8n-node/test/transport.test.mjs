import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { CORRUPT, JPEG, NodeApiError, PDF, clock, documentHelpers, fileItem, makeContext, run, transport } from './helpers.mjs';
import { invoiceEnvelope } from './fixtures.mjs';

const extract = (extra = {}) => ({ resource: 'document', operation: 'extractInvoice', binaryPropertyName: 'data', outputMode: 'simplified', settings: {}, ...extra });
const econn = (code) => Object.assign(new Error(`connect ${code} 127.0.0.1:8080`), { code });

describe('timeouts and retries', () => {
	test('429, 502, 503 and 504 are retried with backoff (Retry-After when given), then succeed', async () => {
		const answers = [{ statusCode: 429, headers: { 'retry-after': '3' } }, { statusCode: 502 }, { statusCode: 503 }, { body: invoiceEnvelope() }];
		const ctx = makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => answers.shift() });
		const [[{ json }]] = await run(ctx);
		assert.equal(json.vendor_name, 'ACME SDN BHD');
		assert.equal(ctx.requests.length, 4);
		assert.deepEqual(clock.sleeps, [3000, 2000, 4000]);
	});

	test('connection resets are retried; Retries 0 tries once; the timeout option reaches every call', async () => {
		let n = 0;
		const ctx = makeContext({
			items: [fileItem(JPEG)],
			params: extract({ requestOptions: { timeoutSeconds: 7, retries: 2 } }),
			host: () => {
				if (++n < 3) throw econn('ECONNRESET');
				return { body: invoiceEnvelope() };
			},
		});
		await run(ctx);
		assert.equal(ctx.requests.length, 3);
		assert.ok(ctx.requests.every((r) => r.timeout === 7000));
		const once = makeContext({ items: [fileItem(JPEG)], params: extract({ requestOptions: { retries: 0 } }), host: () => ({ statusCode: 503, body: { error: { code: 'unavailable', message: 'starting' } } }) });
		await assert.rejects(run(once), (e) => e.httpCode === '503' && /unavailable: starting/.test(e.message));
		assert.equal(once.requests.length, 1);
	});

	test('a stopped host: retried, then a clear error with the Docker hint; Continue On Fail gives an error item', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => { throw econn('ECONNREFUSED'); } });
		await assert.rejects(run(ctx), (e) => {
			assert.ok(e instanceof NodeApiError);
			assert.match(e.message, /Could not reach the Grace host at http:\/\/grace.test:8080 \(connection refused\) after 4 attempts/);
			assert.match(e.description, /is grace serve running at http:\/\/grace.test:8080\?/);
			assert.match(e.description, /host.docker.internal/);
			assert.match(e.description, /--add-host=host.docker.internal:host-gateway/);
			assert.match(e.description, /GRACE_LISTEN=0.0.0.0:8080/);
			return true;
		});
		assert.equal(ctx.requests.length, 4);
		assert.deepEqual(clock.sleeps, [1000, 2000, 4000]);
		const cof = makeContext({ items: [fileItem(JPEG), fileItem(JPEG)], params: extract(), continueOnFail: true, host: () => { throw econn('ECONNREFUSED'); } });
		const [out] = await run(cof);
		assert.equal(out.length, 2);
		assert.match(out[0].json.error, /connection refused/);
		assert.match(out[0].json.error_description, /ECONNREFUSED/);
	});

	test('errors wrapped by n8n are still recognized; timeouts and unknown hosts are not retried', async () => {
		assert.equal(transport.connectionErrorCode({ message: 'x', cause: { code: 'ECONNRESET' } }), 'ECONNRESET');
		assert.equal(transport.connectionErrorCode(new Error('The service refused the connection - perhaps it is offline')), 'ECONNREFUSED');
		assert.equal(transport.connectionErrorCode(new Error('socket hang up')), 'ECONNRESET');
		assert.equal(transport.connectionErrorCode(new Error('timeout of 120000ms exceeded')), 'ETIMEDOUT');
		for (const code of ['ETIMEDOUT', 'ENOTFOUND']) {
			const ctx = makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => { throw econn(code); } });
			await assert.rejects(run(ctx), (e) => /Could not reach/.test(e.message) && new RegExp(code).test(e.description));
			assert.equal(ctx.requests.length, 1, code);
		}
	});

	test('401 gets a hint about the API key; 413 and non-JSON bodies read well', async () => {
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => ({ statusCode: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }) })), (e) => /API key/.test(e.description) && e.httpCode === '401');
		await assert.rejects(run(makeContext({ items: [fileItem(JPEG)], params: extract(), host: () => ({ statusCode: 413, body: 'too big' }) })), (e) => /larger than the host accepts/.test(e.description) && /too big/.test(e.message));
	});
});

describe('document input', () => {
	test('from a URL: n8n downloads it, the type comes from the bytes', async () => {
		const ctx = makeContext({
			items: [{ json: {} }],
			params: extract({ inputSource: 'url', documentUrl: 'https://files.test/inv%207' }),
			download: async () => ({ body: PDF, headers: { 'content-type': 'application/octet-stream' } }),
			host: () => ({ body: invoiceEnvelope() }),
		});
		await run(ctx);
		assert.equal(ctx.downloads[0].url, 'https://files.test/inv%207');
		assert.equal(ctx.downloads[0].encoding, 'arraybuffer');
		assert.equal(ctx.requests[0].parts.file.filename, 'inv 7.pdf');
		assert.match(ctx.requests[0].body.toString('latin1'), /Content-Type: application\/pdf/);
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: extract({ inputSource: 'url', documentUrl: 'file:///etc/passwd' }), host: () => ({}) })), /must start with http/);
	});

	test('from base64 (plain or a data: URL)', async () => {
		for (const text of [JPEG.toString('base64'), `data:image/jpeg;base64,${JPEG.toString('base64')}`]) {
			const ctx = makeContext({ items: [{ json: {} }], params: extract({ inputSource: 'base64', documentBase64: text, documentFileName: 'photo' }), host: () => ({ body: invoiceEnvelope() }) });
			await run(ctx);
			assert.deepEqual(ctx.requests[0].parts.file.content, JPEG);
			assert.equal(ctx.requests[0].parts.file.filename, 'photo.jpg');
		}
		await assert.rejects(run(makeContext({ items: [{ json: {} }], params: extract({ inputSource: 'base64', documentBase64: '' }), host: () => ({}) })), /Base64 Content is empty/);
	});

	for (const typed of ['attachment_0', '$binary.attachment_0', '{{$binary.attachment_0}}', '={{ $binary["attachment_0"] }}']) {
		test(`binary field ${JSON.stringify(typed)}`, async () => {
			const ctx = makeContext({ items: [fileItem(JPEG, 'mail.jpg', 'attachment_0')], params: extract({ binaryPropertyName: typed }), host: () => ({ body: invoiceEnvelope() }) });
			await run(ctx);
			assert.equal(ctx.requests[0].parts.file.filename, 'mail.jpg');
		});
	}

	test('a missing binary field names the item and lists the fields it has', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG, 'a.jpg', 'attachment_0')], params: extract(), host: () => ({}) });
		await assert.rejects(run(ctx), (e) => /Item 0 has no binary field "data"/.test(e.message) && /attachment_0/.test(e.description));
		assert.equal(documentHelpers.resolveBinaryPropertyName('', { binary: {} }), 'data');
		assert.equal(documentHelpers.sniff(PDF).mimeType, 'application/pdf');
	});
});

describe('batches of items', () => {
	const items = Array.from({ length: 20 }, (_, i) => fileItem(i === 7 ? CORRUPT : JPEG, i === 7 ? 'corrupt.jpg' : `r${i}.jpg`));
	const host = (req) => (req.parts.file.filename === 'corrupt.jpg' ? { statusCode: 422, body: { error: { code: 'invalid_input', message: 'cannot decode image' } } } : { body: invoiceEnvelope() });

	test('Continue On Fail on: 19 results and 1 error item, all paired', async () => {
		const [out] = await run(makeContext({ items, params: extract(), host, continueOnFail: true }));
		assert.equal(out.length, 20);
		assert.deepEqual(out.map((o) => o.pairedItem.item), [...Array(20).keys()]);
		assert.equal(out.filter((o) => 'error' in o.json).length, 1);
		assert.match(out[7].json.error, /item 7 \("corrupt.jpg"\)/);
		assert.equal(out[7].json.http_status, 422);
	});

	test('Continue On Fail off: stops at item 7 naming it', async () => {
		await assert.rejects(run(makeContext({ items, params: extract(), host })), (e) => e instanceof NodeApiError && /Grace failed on item 7 \("corrupt.jpg"\): invalid_input/.test(e.message));
	});
});

describe('helpers', () => {
	test('multipart boundary never occurs in a file; several files', () => {
		const evil = Buffer.from('----GraceN8nFormBoundary7MA4YWxkTrZu0gW');
		const { body, contentType } = documentHelpers.buildMultipart([{ data: evil, fileName: 'a"b.jpg', mimeType: 'image/jpeg' }, { data: JPEG, fileName: 'c.jpg', mimeType: '' }], { x: 1 });
		const boundary = /boundary=(.+)$/.exec(contentType)[1];
		assert.ok(!evil.includes(boundary));
		assert.equal((body.toString('latin1').match(/name="file"/g) ?? []).length, 2);
		assert.match(body.toString('latin1'), /filename="a_b.jpg"/);
	});

	test('parseBody and hostError read every body shape', () => {
		assert.deepEqual(transport.parseBody(Buffer.from('{"a":1}')), { a: 1 });
		assert.deepEqual(transport.parseBody(''), {});
		assert.equal(transport.parseBody('oops'), 'oops');
		assert.deepEqual(transport.hostError({ error: { code: 'x', message: 'y' } }), { code: 'x', message: 'y' });
		assert.deepEqual(transport.hostError({ errors: [{ code: 'a', message: 'b' }] }), { code: 'a', message: 'b' });
		assert.deepEqual(transport.hostError({ error_code: 'c', error_message: 'd' }), { code: 'c', message: 'd' });
		assert.equal(transport.hostError('plain').message, 'plain');
	});

	test('the host URL loses its trailing slash and defaults to localhost:8080', async () => {
		const ctx = makeContext({ items: [fileItem(JPEG)], params: extract(), credentials: { url: '', apiKey: '' }, host: () => ({ body: invoiceEnvelope() }) });
		await run(ctx);
		assert.equal(ctx.requests[0].baseURL, 'http://localhost:8080');
	});
});
