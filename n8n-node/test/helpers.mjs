// A mocked n8n execute context and a fake Grace host for the unit tests.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { OcrExtract } = require('../dist/nodes/OcrExtract/OcrExtract.node.js');
export const { GraceApi } = require('../dist/credentials/GraceApi.credentials.js');
export const transport = require('../dist/nodes/OcrExtract/transport/index.js');
export const documentHelpers = require('../dist/nodes/OcrExtract/helpers/document.js');
export const shape = require('../dist/nodes/OcrExtract/helpers/shape.js');
export const { NodeApiError, NodeOperationError } = require('n8n-workflow');

// No real waiting in unit tests: sleeps are recorded and advance a fake clock.
export const clock = { now: 1_000_000, sleeps: [] };
transport.timing.sleep = async (ms) => {
	clock.sleeps.push(ms);
	clock.now += ms;
};
transport.timing.now = () => clock.now;
export function resetClock() {
	clock.sleeps.length = 0;
}

export const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 1, 2, 3]);
export const CORRUPT = Buffer.from('this is not an image');

/** An input item carrying one file in binary property `prop`. */
export function fileItem(buffer, fileName = 'receipt.jpg', prop = 'data', json = {}, mimeType = 'image/jpeg') {
	return {
		json,
		binary: {
			[prop]: {
				data: buffer.toString('base64'),
				mimeType,
				fileName,
				fileExtension: fileName.split('.').pop(),
			},
		},
	};
}

/** Splits a multipart body built by the node into its parts. */
export function parseMultipart(body, contentType) {
	const boundary = /boundary=(.+)$/.exec(contentType)[1];
	const text = body.toString('latin1');
	const parts = {};
	for (const chunk of text.split(`--${boundary}`)) {
		const idx = chunk.indexOf('\r\n\r\n');
		if (idx < 0) continue;
		const head = chunk.slice(0, idx);
		const name = /name="([^"]+)"/.exec(head)?.[1];
		const filename = /filename="([^"]*)"/.exec(head)?.[1];
		const content = chunk.slice(idx + 4, chunk.length - 2);
		parts[name] = { filename, content: Buffer.from(content, 'latin1') };
	}
	return parts;
}

/**
 * A mocked IExecuteFunctions. `params` maps parameter names to values, or to
 * functions of the item index. `host(req)` answers each request with
 * `{statusCode, body}` (or throws, like an unreachable host).
 */
export function makeContext({ items, params, host, continueOnFail = false, credentials, download }) {
	const requests = [];
	const downloads = [];
	resetClock();
	const node = { id: 'n1', name: 'OCR Extract', type: 'n8n-nodes-grace.ocrExtract', typeVersion: 1, position: [0, 0], parameters: {} };
	const ctx = {
		requests,
		downloads,
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => continueOnFail,
		getCredentials: async (name) => {
			if (name !== 'graceApi') throw new Error(`unexpected credentials ${name}`);
			return credentials ?? { url: 'http://grace.test:8080/', apiKey: 'k' };
		},
		getNodeParameter: (name, itemIndex, fallback) => {
			if (!(name in params)) {
				if (fallback === undefined) throw new Error(`missing parameter ${name}`);
				return fallback;
			}
			const v = params[name];
			return typeof v === 'function' ? v(itemIndex) : v;
		},
		helpers: {
			httpRequest: async (options) => {
				downloads.push(options);
				if (!download) throw new Error('no download expected');
				return await download(options);
			},
			getBinaryDataBuffer: async (itemIndex, prop) => {
				const b = items[itemIndex].binary?.[prop];
				if (!b) throw new Error(`no binary ${prop}`);
				return Buffer.from(b.data, 'base64');
			},
			httpRequestWithAuthentication: async function (credentialName, options) {
				if (credentialName !== 'graceApi') throw new Error('wrong credentials');
				const req = { ...options };
				if (Buffer.isBuffer(options.body)) {
					req.parts = parseMultipart(options.body, options.headers['Content-Type']);
				}
				requests.push(req);
				const answer = await host(req);
				if (!options.returnFullResponse || !options.ignoreHttpStatusErrors) {
					throw new Error('the node must ask for the full response and handle HTTP errors itself');
				}
				return { statusCode: answer.statusCode ?? 200, headers: answer.headers ?? {}, body: answer.body };
			},
		},
	};
	return ctx;
}

export async function run(ctx) {
	const node = new OcrExtract();
	return await node.execute.call(ctx);
}

export function envelope(module, data, extra = {}) {
	return {
		contract_version: '1.2',
		envelope: { trace_id: 't-1', step_id: 's-1', idempotency_key: 'abc' },
		status: { code: 'SUCCESS', module, version: '0.1.0' },
		result: { schema: module, data },
		quality: { confidence: 0.93, validation_passed: null },
		metadata: { module, version: '0.1.0', sha256: 'ff', processing_ms: 12, cached: false },
		trace: [{ step: 0, module: 'ocr', version: '0.1.0', processing_ms: 10, status: 'SUCCESS' }],
		errors: [],
		warnings: [],
		...extra,
	};
}

export const FLAT_INVOICE = {
	status: 'ok',
	needs_review: false,
	confidence: 0.91,
	trace_id: 't-1',
	module: 'invoice',
	module_version: '0.1.0',
	error_code: null,
	error_message: null,
	doc_type: 'receipt',
	vendor_name: 'ACME SDN BHD',
	vendor_tax_id: null,
	invoice_number: 'R-1',
	issue_date: '2018-03-12',
	total: 9.8,
	tax_total: null,
	currency: 'MYR',
	text: 'ACME SDN BHD\nTOTAL 9.80',
};

export const INVALID_INPUT = {
	statusCode: 422,
	body: {
		error: { code: 'invalid_input', message: 'cannot decode image: unknown format', details: {} },
		contract_version: '1.2',
		status: { code: 'ERROR' },
		errors: [{ code: 'invalid_input', message: 'cannot decode image: unknown format' }],
	},
};
