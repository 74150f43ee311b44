#!/usr/bin/env node
// A small stand-in for `grace serve`, for developing and testing the n8n node
// and the examples without the Rust host. It follows host/API.md: routes,
// error shape, envelope and flat (Zapier) shape. Answers are made up but
// deterministic: fields are derived from the file's sha256, so the same file
// always gives the same total/date/vendor. Test-only; never shipped.
//
//   node e2e/stub-server.mjs [--port 0] [--key SECRET]
// prints `listening http://127.0.0.1:PORT` on stdout once ready.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(arg('port', process.env.PORT ?? 0));
const apiKey = arg('key', process.env.GRACE_STUB_KEY ?? '');
// --no-invoice: act like a host whose invoice-fields module is not built yet.
const noInvoice = args.includes('--no-invoice') || process.env.GRACE_STUB_NO_INVOICE === '1';

const MODULES = [
	{ name: 'ocr', version: '0.1.0', summary: 'image → text with layout', media_types: ['image/png', 'image/jpeg'], sha256: 'a'.repeat(64) },
	{ name: 'invoice-fields', version: '0.1.0', summary: 'OCR layout → invoice fields', media_types: ['application/json', 'text/plain'], sha256: 'b'.repeat(64) },
	{ name: 'hash', version: '0.1.0', summary: 'bytes → digests', media_types: ['*/*'], sha256: 'c'.repeat(64) },
];
const PIPELINES = [{ name: 'invoice', steps: ['ocr', 'invoice-fields', 'hash'] }];
if (noInvoice) MODULES.splice(MODULES.findIndex((m) => m.name === 'invoice-fields'), 1);
const NAMES = new Set([...MODULES.map((m) => m.name), ...PIPELINES.map((p) => p.name)]);

const jobs = new Map();
let jobCounter = 0;
let done = 0;
let failed = 0;

function send(res, status, body, headers = {}) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, {
		'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
		...headers,
	});
	res.end(text);
}

function error(res, status, code, message, extra = {}) {
	send(res, status, { error: { code, message, details: {} }, ...extra });
}

function sniff(buf) {
	if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
	if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
	if (buf.length >= 4 && buf.subarray(0, 4).toString('latin1') === '%PDF') return 'application/pdf';
	return 'application/octet-stream';
}

/** Parses multipart/form-data into {file, filename, options}. */
function parseMultipart(body, contentType) {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!m) return null;
	const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
	const out = { files: [], options: undefined };
	let pos = body.indexOf(boundary);
	while (pos >= 0) {
		const start = pos + boundary.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const headEnd = body.indexOf('\r\n\r\n', start);
		if (headEnd < 0) break;
		const head = body.subarray(start, headEnd).toString('utf8');
		const next = body.indexOf(boundary, headEnd + 4);
		if (next < 0) break;
		const content = body.subarray(headEnd + 4, next - 2);
		const name = /name="([^"]*)"/.exec(head)?.[1];
		const filename = /filename="([^"]*)"/.exec(head)?.[1];
		if (name === 'file') out.files.push({ data: content, filename: filename ?? 'upload' });
		else if (name === 'options') out.options = content.toString('utf8');
		pos = next;
	}
	return out;
}

/** The upload in any of the forms API.md lists. */
function readUpload(req, body, url) {
	const ct = String(req.headers['content-type'] ?? '');
	let file;
	let filename = 'upload';
	let options = {};
	const qsOptions = url.searchParams.get('options');
	if (qsOptions) options = JSON.parse(qsOptions);
	for (const [k, v] of url.searchParams) {
		if (k !== 'options' && k !== 'module') options[k] = v;
	}
	if (ct.startsWith('multipart/form-data')) {
		const parts = parseMultipart(body, ct);
		if (!parts || parts.files.length === 0) return { error: [400, 'missing_file', 'no `file` part in the form'] };
		file = parts.files[0].data;
		filename = parts.files[0].filename;
		if (parts.options) {
			try {
				options = { ...options, ...JSON.parse(parts.options) };
			} catch {
				return { error: [400, 'malformed_json', 'the `options` part is not JSON'] };
			}
		}
		return { file, filename, options, files: parts.files };
	}
	if (ct.startsWith('application/json')) {
		let json;
		try {
			json = JSON.parse(body.toString('utf8'));
		} catch {
			return { error: [400, 'malformed_json', 'the body is not JSON'] };
		}
		const b64 = json.file ?? json.payload?.content;
		if (typeof b64 !== 'string') return { error: [400, 'missing_file', 'no `file` in the JSON body'] };
		return { file: Buffer.from(b64, 'base64'), filename: json.filename ?? 'upload', options: { ...options, ...(json.options ?? {}) } };
	}
	if (body.length === 0) return { error: [400, 'missing_file', 'empty body'] };
	return { file: body, filename, options };
}

/** Made-up but deterministic fields for an image. */
function fakeInvoice(file) {
	const sha = createHash('sha256').update(file).digest('hex');
	const n = parseInt(sha.slice(0, 6), 16);
	const total = Math.round((n % 50000) + 100) / 100;
	const day = String((n % 28) + 1).padStart(2, '0');
	return {
		sha,
		vendor_name: `STUB VENDOR ${sha.slice(0, 4).toUpperCase()}`,
		invoice_number: `INV-${sha.slice(6, 12)}`,
		issue_date: `2018-03-${day}`,
		total,
		currency: 'MYR',
		text: `STUB VENDOR ${sha.slice(0, 4).toUpperCase()}\nTOTAL ${total.toFixed(2)}`,
	};
}

/** Runs a module or pipeline: an envelope, or an error [status, code, message]. */
function runModule(name, file, options) {
	if (noInvoice && name === 'invoice') {
		return { status: 503, body: { error: { code: 'unavailable', message: 'pipeline invoice needs module invoice-fields, which is not loaded', details: {} } } };
	}
	const started = new Date().toISOString();
	const base = {
		contract_version: '1.2',
		envelope: {
			trace_id: `stub-${createHash('sha256').update(file).digest('hex').slice(0, 16)}`,
			step_id: name,
			idempotency_key: createHash('sha256').update(file).update(name).update(JSON.stringify(options)).digest('hex'),
			timestamp_init: started,
			timestamp_end: new Date().toISOString(),
		},
		metadata: { module: name, version: '0.1.0', sha256: 'd'.repeat(64), processing_ms: 1, cached: false },
		warnings: [],
	};
	const type = sniff(file);
	if (name !== 'hash' && !type.startsWith('image/')) {
		return {
			status: 422,
			body: {
				error: { code: 'invalid_input', message: `cannot read this file as an image (sniffed ${type})`, details: {} },
				...base,
				status: { code: 'ERROR', module: name, version: '0.1.0' },
				result: null,
				errors: [{ code: 'invalid_input', message: `cannot read this file as an image (sniffed ${type})` }],
			},
		};
	}
	const inv = fakeInvoice(file);
	const box = [[10, 10], [200, 10], [200, 30], [10, 30]];
	let data;
	if (name === 'hash') data = { sha256: inv.sha };
	else if (name === 'ocr') {
		const lines = inv.text.split('\n').map((text, i) => ({ text, confidence: 0.95 - i * 0.05, box, angle: 0, words: [] }));
		data = { page: { width: 800, height: 1200 }, lines, text: inv.text, profile: options.profile ?? 'balanced' };
	} else {
		const field = (value, confidence = 0.9) => ({ value, confidence, box });
		data = {
			doc_type: 'receipt',
			fields: {
				vendor_name: field(inv.vendor_name),
				invoice_number: field(inv.invoice_number),
				issue_date: field(inv.issue_date),
				total: field(inv.total, 0.95),
				currency: field(inv.currency, 0.7),
			},
			tax_lines: [],
			line_items: [{ description: 'ITEM', quantity: 1, amount: inv.total, box }],
			validations: [{ rule: 'total_present', passed: true }],
			document_sha256: inv.sha,
			text: inv.text,
		};
	}
	const steps = PIPELINES.find((p) => p.name === name)?.steps ?? [name];
	return {
		status: 200,
		body: {
			...base,
			status: { code: 'SUCCESS', module: name, version: '0.1.0', module_instance: `${name}@0.1.0`, fallback_level_used: 0 },
			result: { schema: name, data },
			quality: { confidence: 0.9, validation_passed: true },
			trace: steps.map((m, step) => ({ step, module: m, version: '0.1.0', sha256: 'e'.repeat(64), processing_ms: 1, status: 'SUCCESS' })),
			errors: [],
		},
	};
}

function flatten(name, run) {
	const env = run.body;
	const ok = run.status === 200;
	const data = ok ? env.result.data : {};
	const f = (k) => (data.fields?.[k]?.value ?? null);
	const flat = {
		status: ok ? 'ok' : 'error',
		needs_review: ok ? false : true,
		confidence: ok ? env.quality.confidence : null,
		trace_id: env.envelope?.trace_id ?? null,
		module: name,
		module_version: '0.1.0',
		error_code: ok ? null : env.error.code,
		error_message: ok ? null : env.error.message,
	};
	if (name === 'invoice') {
		Object.assign(flat, {
			doc_type: ok ? data.doc_type : null,
			vendor_name: f('vendor_name'), vendor_tax_id: null, vendor_address: null,
			customer_name: null, customer_tax_id: null,
			invoice_number: f('invoice_number'), issue_date: f('issue_date'), due_date: null,
			currency: f('currency'), subtotal: null, tax_total: null, withholding: null,
			total: f('total'), amount_due: f('total'), iban: null, payment_method: null,
			document_sha256: ok ? data.document_sha256 : null, text: ok ? data.text : null,
		});
	} else if (name === 'ocr') {
		Object.assign(flat, {
			text: ok ? data.text : null, line_count: ok ? data.lines.length : null,
			page_width: ok ? data.page.width : null, page_height: ok ? data.page.height : null,
		});
	}
	return flat;
}

function queue(name, upload) {
	const id = `stub-job-${++jobCounter}`;
	const job = {
		request_id: id, batch_id: null, module: name, status: 'queued',
		created_at: new Date().toISOString(), started_at: null, finished_at: null, result: null, error: null,
	};
	jobs.set(id, job);
	// Jobs move queued → processing → done/failed over two short ticks.
	setTimeout(() => {
		job.status = 'processing';
		job.started_at = new Date().toISOString();
		setTimeout(() => {
			const run = runModule(name, upload.file, upload.options);
			job.finished_at = new Date().toISOString();
			if (run.status === 200) {
				job.status = 'done';
				job.result = run.body;
				done++;
			} else {
				job.status = 'failed';
				job.error = { code: run.body.error.code, message: run.body.error.message };
				failed++;
			}
		}, 150);
	}, 100);
	return job;
}

const server = createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		try {
			handle(req, res, Buffer.concat(chunks));
		} catch (e) {
			error(res, 500, 'internal', String(e?.message ?? e));
		}
	});
});

function handle(req, res, body) {
	const url = new URL(req.url, 'http://stub');
	const path = url.pathname;
	if (req.method === 'GET' && path === '/health') {
		return send(res, 200, { status: 'ok', store: 'ok', modules: MODULES.map((m) => m.name) });
	}
	if (apiKey) {
		const auth = String(req.headers.authorization ?? '');
		const given = req.headers['x-api-key'] ?? (auth.startsWith('Bearer ') ? auth.slice(7) : '');
		if (given !== apiKey) return error(res, 401, 'unauthorized', 'missing or bad API key');
	}
	if (req.method === 'GET' && path === '/metrics') return send(res, 200, '# stub\ngrace_requests_total 1\n');
	if (req.method === 'GET' && path === '/v1/modules') {
		const pipelines = PIPELINES.map((p) => {
			const lacking = p.steps.filter((st) => !MODULES.some((m) => m.name === st));
			return { ...p, kind: 'pipeline', available: lacking.length === 0, unavailable_reason: lacking.length ? `module ${lacking.join(', ')} is not loaded` : null };
		});
		return send(res, 200, { modules: MODULES.map((m) => ({ ...m, kind: 'module' })), pipelines });
	}
	let m = /^\/v1\/(run|zapier)\/([^/]+)$/.exec(path);
	if (req.method === 'POST' && m) {
		const name = decodeURIComponent(m[2]);
		if (!NAMES.has(name)) return error(res, 404, 'unknown_module', `no module or pipeline named ${name}`);
		const upload = readUpload(req, body, url);
		if (upload.error) return error(res, ...upload.error);
		const run = runModule(name, upload.file, upload.options);
		if (m[1] === 'run') return send(res, run.status, run.body);
		const flat = flatten(name, run);
		return send(res, run.status === 200 ? 200 : run.status, run.status === 200 ? flat : { ...flat, error: run.body.error });
	}
	if (req.method === 'POST' && path === '/api/ocr/process_image') {
		const name = url.searchParams.get('module') ?? 'ocr';
		if (!NAMES.has(name)) return error(res, 404, 'unknown_module', `no module or pipeline named ${name}`);
		const upload = readUpload(req, body, url);
		if (upload.error) return error(res, ...upload.error);
		const job = queue(name, upload);
		return send(res, 202, { request_id: job.request_id, status: 'queued', module: name, result_url: `/api/ocr/result/${job.request_id}` });
	}
	if (req.method === 'POST' && path === '/api/ocr/process_batch') {
		const name = url.searchParams.get('module') ?? 'ocr';
		const upload = readUpload(req, body, url);
		const batchId = `stub-batch-${++jobCounter}`;
		let files = upload.files;
		if (!files && String(req.headers['content-type']).startsWith('application/json')) {
			const json = JSON.parse(body.toString('utf8'));
			files = (json.files ?? []).map((f) => ({ data: Buffer.from(f.file, 'base64'), filename: f.filename }));
		}
		if (!files || files.length === 0) return error(res, 400, 'missing_file', 'no files in the batch');
		const list = files.map((f) => {
			const job = queue(name, { file: f.data, options: upload.options ?? {} });
			job.batch_id = batchId;
			return { request_id: job.request_id, filename: f.filename };
		});
		return send(res, 202, { batch_id: batchId, jobs: list });
	}
	m = /^\/api\/ocr\/result\/([^/]+)$/.exec(path);
	if (req.method === 'GET' && m) {
		const job = jobs.get(decodeURIComponent(m[1]));
		if (!job) return error(res, 404, 'not_found', `no job ${m[1]}`);
		return send(res, 200, job);
	}
	if (req.method === 'GET' && path === '/api/ocr/queue/status') {
		const depth = [...jobs.values()].filter((j) => j.status === 'queued').length;
		const inFlight = [...jobs.values()].filter((j) => j.status === 'processing').length;
		return send(res, 200, { depth, in_flight: inFlight, done, failed, workers: 1, throughput_per_minute: 0 });
	}
	if (req.method === 'GET' && path === '/api/ocr/resources') {
		return send(res, 200, { memory: { rss_bytes: process.memoryUsage().rss }, cpu: { cores: 1 }, modules: MODULES.map((x) => ({ name: x.name, instances: 1 })) });
	}
	if (req.method === 'POST' && path === '/api/ocr/clean') {
		let older = 0;
		try {
			older = Number(JSON.parse(body.toString('utf8') || '{}').older_than_secs ?? 0);
		} catch {
			return error(res, 400, 'malformed_json', 'the body is not JSON');
		}
		let deleted = 0;
		const cutoff = Date.now() - older * 1000;
		for (const [id, job] of jobs) {
			if ((job.status === 'done' || job.status === 'failed') && Date.parse(job.finished_at) <= cutoff) {
				jobs.delete(id);
				deleted++;
			}
		}
		return send(res, 200, { deleted });
	}
	if (req.method === 'GET' && path === '/api/documentation/openapi.json') {
		return send(res, 200, { openapi: '3.0.3', info: { title: 'Grace (stub)', version: '0.0.0' }, paths: {} });
	}
	if (req.method === 'GET' && path === '/api/documentation') {
		res.writeHead(200, { 'content-type': 'text/html' });
		return res.end('<!doctype html><title>Grace API (stub)</title>');
	}
	return error(res, 404, 'not_found', `no route ${req.method} ${path}`);
}

server.listen(port, '127.0.0.1', () => {
	process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
