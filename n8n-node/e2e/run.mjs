#!/usr/bin/env node
// End-to-end test of n8n-nodes-grace inside a real n8n.
//
//   GRACE_URL=http://127.0.0.1:8080 GRACE_API_KEY=... \
//     node n8n-node/e2e/run.mjs --receipt RECEIPT.jpg --corrupt CORRUPT.bin [--images DIR]
//   node n8n-node/e2e/run.mjs --stub --receipt RECEIPT.jpg --corrupt CORRUPT.bin
//
// Installs a pinned n8n into a cache folder outside the repository (skipped
// when already there), loads the packed node as an installed community
// package, imports credentials and workflows, runs them headless with
// `n8n execute`, and checks the outputs against the host's own API. Progress
// goes to stderr; the last line on stdout is a JSON summary. Exit code: 0 all
// checks passed, 1 a check failed, 2 setup failed (install, pack, import).
// See e2e/README.md for every variable.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const N8N_VERSION = '2.8.4';
// n8n's own dependency tree points xlsx at a tarball outside the npm registry;
// the registry's last xlsx release stands in for it.
// @langchain/langgraph-checkpoint >= 1.0.2 needs a newer @langchain/core than
// the one n8n pins (1.1.8) and breaks `n8n start`; 1.0.1 is the last that fits.
const N8N_OVERRIDES = { xlsx: 'npm:xlsx@0.18.5', '@langchain/langgraph-checkpoint': '1.0.1' };
// With --legacy-peer-deps npm hoists an ancient @opentelemetry/core (0.10) that
// @sentry/opentelemetry cannot extend ("Class extends value undefined" when n8n
// opens its database); pinning the versions Sentry's peer range asks for fixes it.
const N8N_EXTRA_DEPS = { '@opentelemetry/api': '1.9.0', '@opentelemetry/core': '2.1.0' };

// What the node is tested with: the invoice pipeline (the acceptance target),
// or, on a host that does not have all of its modules yet, plain OCR.
const TARGETS = {
	invoice: {
		name: 'invoice',
		op: { resource: 'document', operation: 'extractInvoice', outputMode: 'simplified' },
		fullOp: { resource: 'document', operation: 'extractInvoice', outputMode: 'full' },
		fullOk: (j) => Array.isArray(j?.trace) && j.trace.length > 0,
		compare: ['total', 'issue_date', 'vendor_name'],
	},
	ocr: {
		name: 'ocr',
		op: { resource: 'document', operation: 'readText' },
		fullOp: { resource: 'document', operation: 'runModule', module: 'ocr', moduleOptions: '{}', runOutput: 'data' },
		fullOk: (j) => Array.isArray(j?.lines),
		compare: ['text', 'line_count'],
	},
};

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repoDir = resolve(pkgDir, '..');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, env) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : process.env[env];
};

const cacheRoot = process.env.GRACE_N8N_CACHE || '/var/tmp/grace-ci/n8n';
const receiptPath = opt('receipt', 'GRACE_E2E_RECEIPT');
const corruptPath = opt('corrupt', 'GRACE_E2E_CORRUPT');
const imagesDir = opt('images', 'GRACE_E2E_IMAGES');
const useStub = flag('stub') || process.env.GRACE_E2E_STUB === '1';
const keepWork = flag('keep') || process.env.GRACE_E2E_KEEP === '1';
const requireInvoice = process.env.GRACE_E2E_REQUIRE_INVOICE !== '0';
const timeoutMs = Number(process.env.GRACE_E2E_STEP_TIMEOUT_SECS || 600) * 1000;

const summary = { ok: false, n8n_version: N8N_VERSION, host: null, stub: useStub, timings_s: {}, checks: [], error: null };
const log = (msg) => process.stderr.write(`[e2e] ${msg}\n`);

function check(name, pass, detail = {}) {
	summary.checks.push(pass ? { name, pass: true } : { name, pass: false, ...detail });
	log(`${pass ? 'PASS' : 'FAIL'} ${name}${pass ? '' : ` ${JSON.stringify(detail)}`}`);
	return pass;
}

class SetupError extends Error {}

function sh(cmd, args, { cwd, env, allowFail = false, quiet = true } = {}) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => {
			stdout += d;
			if (!quiet) process.stderr.write(d);
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			if (!quiet) process.stderr.write(d);
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(new SetupError(`${cmd}: ${e.message}`));
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			if (code !== 0 && !allowFail) {
				reject(new SetupError(`${cmd} ${args.join(' ')} exited ${code}\n${stderr.slice(-3000)}${stdout.slice(-2000)}`));
			} else resolvePromise({ code, stdout, stderr });
		});
	});
}

async function timed(name, fn) {
	const t = Date.now();
	try {
		return await fn();
	} finally {
		summary.timings_s[name] = Math.round((Date.now() - t) / 100) / 10;
	}
}

/** Installs n8n N8N_VERSION under cacheRoot/N8N_VERSION unless it is there already. */
async function ensureN8n() {
	const dir = join(cacheRoot, N8N_VERSION);
	const marker = join(dir, '.grace-installed');
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const recipe = JSON.stringify({ n8n: N8N_VERSION, extra: N8N_EXTRA_DEPS, overrides: N8N_OVERRIDES });
	const installed = () => {
		try {
			return existsSync(marker) && readFileSync(marker, 'utf8').trim() === recipe && JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version === N8N_VERSION;
		} catch {
			return false;
		}
	};
	if (installed()) {
		log(`n8n ${N8N_VERSION} already installed in ${dir}`);
		return bin;
	}
	log(`installing n8n ${N8N_VERSION} into ${dir} (several minutes the first time)`);
	mkdirSync(dir, { recursive: true });
	rmSync(marker, { force: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({ name: 'grace-n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION, ...N8N_EXTRA_DEPS }, overrides: N8N_OVERRIDES }, null, 2),
	);
	await sh('npm', ['install', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
	if (!existsSync(bin)) throw new SetupError(`npm install finished but ${bin} is missing`);
	writeFileSync(marker, `${recipe}\n`);
	return bin;
}

async function packNode(work) {
	if (process.env.GRACE_N8N_TARBALL) return resolve(process.env.GRACE_N8N_TARBALL);
	const { stdout } = await sh('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: pkgDir });
	const name = stdout.trim().split('\n').pop().trim();
	return join(work, name);
}

async function startStub() {
	const child = spawn(process.execPath, [join(here, 'stub-server.mjs'), '--port', '0', '--key', process.env.GRACE_API_KEY || 'stub-key'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = await new Promise((res, rej) => {
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			const m = /listening (\S+)/.exec(out);
			if (m) res(m[1]);
		});
		child.on('exit', (c) => rej(new SetupError(`stub server exited ${c}`)));
	});
	return { child, url, key: process.env.GRACE_API_KEY || 'stub-key' };
}

/** What the host itself answers for a file on the flat route, to compare with n8n's output. */
async function hostFlat(url, key, file, name) {
	const form = new FormData();
	form.append('file', new Blob([readFileSync(file)], { type: 'image/jpeg' }), basename(file));
	const headers = key ? { 'X-API-Key': key } : {};
	const res = await fetch(`${url}/v1/zapier/${name}`, { method: 'POST', body: form, headers });
	const body = await res.json();
	if (!res.ok) throw new SetupError(`host answered ${res.status} for ${file}: ${JSON.stringify(body)}`);
	return body;
}

// ---------- workflows ----------

const CRED = { id: 'graceE2eCred01', name: 'Grace e2e' };

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: `${name.replace(/\W/g, '')}-id`, name, type, typeVersion, position, parameters, ...extra };
}

function workflow(id, name, nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

const trigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {});
/** `jpeg` with comment segments (COM, 0xFFFE) after SOI until it is at least `size` bytes. */
function paddedJpeg(jpeg, size) {
	const parts = [jpeg.subarray(0, 2)];
	let total = jpeg.length;
	while (total < size) {
		const n = Math.min(65533, size - total);
		const seg = Buffer.alloc(4 + n, 0x20);
		seg.writeUInt16BE(0xfffe, 0);
		seg.writeUInt16BE(n + 2, 2);
		parts.push(seg);
		total += seg.length;
	}
	parts.push(jpeg.subarray(2));
	return Buffer.concat(parts);
}

const readFiles = (pattern) =>
	node('Read Files', 'n8n-nodes-base.readWriteFile', 1, [200, 0], { operation: 'read', fileSelector: pattern, options: {} });
const ocr = (name, parameters, extra = {}) =>
	node(name, 'n8n-nodes-grace.ocrExtract', 1, [400, 0], parameters, { credentials: { graceApi: CRED }, ...extra });

function buildWorkflows(files, target) {
	const op = (extra = {}) => ({ ...target.op, binaryPropertyName: 'data', settings: {}, ...extra });
	return [
		workflow('graceE2eExtract1', `Grace e2e: ${target.name} on one receipt`, [
			trigger(),
			readFiles(files.receipt),
			ocr('OCR Extract', op({ binaryPropertyName: '={{ "data" }}', settings: { keepSource: 'binary' } })),
			ocr('Full', { ...target.fullOp, binaryPropertyName: '$binary.data', settings: {} }, { position: [600, 0] }),
		]),
		workflow('graceE2eBatchOn1', 'Grace e2e: 20 items, Continue On Fail on', [
			trigger(),
			readFiles(files.batchGlob),
			ocr('OCR Extract', op(), { onError: 'continueRegularOutput' }),
		]),
		workflow('graceE2eBatchOff', 'Grace e2e: 20 items, Continue On Fail off', [trigger(), readFiles(files.batchGlob), ocr('OCR Extract', op())]),
		workflow('graceE2eJobs0001', 'Grace e2e: Submit Job then Get Result', [
			trigger(),
			readFiles(files.receipt),
			ocr('Submit Job', { resource: 'job', operation: 'submitJob', binaryPropertyName: 'data', jobModule: target.name, moduleOptions: '{}', settings: {} }),
			ocr('Get Result', { resource: 'job', operation: 'getResult', requestId: '={{ $json.request_id }}', waitForCompletion: true, timeoutSeconds: 300, pollIntervalSeconds: 1, outputMode: 'simplified' }, { position: [600, 0] }),
		]),
		workflow('graceE2eReadTxt1', 'Grace e2e: Read Text and Run Module', [
			trigger(),
			readFiles(files.receipt),
			ocr('Read Text', { resource: 'document', operation: 'readText', binaryPropertyName: 'data', settings: { keepSource: 'binary' } }),
			ocr('Run Module', { resource: 'document', operation: 'runModule', binaryPropertyName: 'data', module: 'hash', moduleOptions: '{}', runOutput: 'data', settings: {} }, { position: [600, 0] }),
		]),
	];
}

const CRED_WRONG = { id: 'graceE2eCredBad', name: 'Grace e2e wrong key' };
const CRED_FLAKY = { id: 'graceE2eCredFlk', name: 'Grace e2e via a flaky proxy' };
const CRED_STOPS = { id: 'graceE2eCredStp', name: 'Grace e2e via a host that stops' };

/**
 * The newer operations in one workflow (one `n8n execute`, to keep CI time
 * down): branches from one trigger, each a file reader and one or two Grace
 * nodes. Branches that need the invoice pipeline are left out on an OCR-only host.
 */
function newOpsWorkflow(files, target) {
	const invoice = target.name === 'invoice';
	const nodes = [trigger()];
	const connections = { Start: { main: [[]] } };
	let y = 0;
	const branch = (reader, ...steps) => {
		y += 200;
		const chain = [{ ...reader, name: reader.name, position: [200, y] }, ...steps.map((st, i) => ({ ...st, position: [400 + 200 * i, y] }))];
		for (const n of chain) n.id = `${n.name.replace(/\W/g, '')}-id`;
		nodes.push(...chain);
		connections.Start.main[0].push({ node: chain[0].name, type: 'main', index: 0 });
		for (let i = 0; i + 1 < chain.length; i++) connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
	};
	const read = (name, pattern) => ({ ...readFiles(pattern), name });
	const grace = (name, parameters, cred = CRED, extra = {}) => ({ ...ocr(name, parameters, extra), credentials: { graceApi: cred } });
	const op = { ...target.op, inputSource: 'binary', binaryPropertyName: 'data', settings: {} };
	if (invoice) {
		branch(read('Read Receipt', files.receipt), grace('Extract and Wait', { resource: 'document', operation: 'extractAndWait', inputSource: 'binary', binaryPropertyName: 'data', waitTimeoutSeconds: 300, outputMode: 'simplified', settings: {} }));
		branch(
			read('Read Review Set', files.inboxGlob),
			grace('Route by Review', { ...op, outputMode: 'simplified', routeByReview: true, settings: { reviewThreshold: '={{ $itemIndex === 0 ? 0 : 1 }}' } }),
		);
	}
	branch(
		read('Read Batch Set', files.inboxGlob),
		grace('Submit Batch', { resource: 'job', operation: 'submitBatch', inputSource: 'binary', binaryPropertyName: 'data', jobModule: target.name, moduleOptions: '{}', batchSize: 50, settings: {} }),
		grace('Get Batch Results', { resource: 'job', operation: 'getResult', requestId: '={{ $json.request_id }}', waitForCompletion: true, timeoutSeconds: 300, pollIntervalSeconds: 1, outputMode: 'simplified', settings: {} }),
	);
	branch(read('Read 10 MB Photo', files.bigPhoto), grace('Big Photo', op));
	branch(read('Read For Wrong Key', files.receipt), grace('Wrong Key', op, CRED_WRONG, { onError: 'continueRegularOutput' }));
	branch(read('Read For Flaky', files.inboxGlob), grace('Flaky Host', { ...op, requestOptions: { retries: 3 } }, CRED_FLAKY));
	branch(read('Read For Stops', files.inboxGlob), grace('Host Stops', { ...op, requestOptions: { retries: 2 } }, CRED_STOPS, { onError: 'continueRegularOutput' }));
	return { id: 'graceE2eNewOps1', name: 'Grace e2e: newer operations, routing, credentials and retries', active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/**
 * A loopback HTTP proxy in front of the host. `flaky`: the first request's
 * connection is cut, the rest are forwarded. `stops`: the first request is
 * forwarded, then the proxy stops listening (the host "stopped mid-workflow").
 */
async function startProxy(target, mode) {
	const { createServer } = await import('node:http');
	let requests = 0;
	let cut = 0;
	const server = createServer(async (req, res) => {
		requests++;
		if (mode === 'flaky' && cut === 0) {
			cut++;
			req.socket.destroy();
			return;
		}
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const headers = { ...req.headers };
		for (const h of ['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']) delete headers[h];
		try {
			const r = await fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
			res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
			res.end(Buffer.from(await r.arrayBuffer()));
		} catch (e) {
			res.writeHead(599);
			res.end(String(e));
		}
		if (mode === 'stops') {
			server.close();
			server.closeAllConnections();
		}
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${server.address().port}`, stop: () => { server.close(); server.closeAllConnections(); }, stats: () => ({ requests, cut }) };
}

/** The credential's own test request (from the installed package), as n8n sends it. */
async function credentialTest(pkgTarget, url, key) {
	const require = createRequire(import.meta.url);
	const { GraceApi } = require(join(pkgTarget, 'dist', 'credentials', 'GraceApi.credentials.js'));
	const c = new GraceApi();
	const res = await fetch(`${url}${c.test.request.url}`, { method: c.test.request.method, headers: { 'X-API-Key': key } });
	return { route: c.test.request.url, status: res.status };
}

/** Runs one workflow headless; returns {ok, runData, error, raw}. */
async function execute(n8nBin, env, id) {
	const { code, stdout, stderr } = await sh(process.execPath, [n8nBin, 'execute', `--id=${id}`, '--rawOutput'], { env, allowFail: true });
	// The result is one pretty-printed JSON document: from a line that is "{"
	// to the last line that is "}".
	let parsed = null;
	const lines = stdout.split('\n');
	const first = lines.findIndex((l) => l === '{');
	const last = lines.lastIndexOf('}');
	if (first >= 0 && last > first) {
		try {
			parsed = JSON.parse(lines.slice(first, last + 1).join('\n'));
		} catch {
			parsed = null;
		}
	}
	return { code, parsed, stdout, stderr };
}

function nodeOutput(parsed, nodeName, output = 0) {
	const runData = parsed?.data?.resultData?.runData ?? parsed?.resultData?.runData ?? parsed?.runData;
	const runs = runData?.[nodeName];
	// one entry per run of the node; items of its first output
	if (!runs || runs.length === 0) return null;
	return runs[runs.length - 1]?.data?.main?.[output]?.map((i) => i.json) ?? [];
}

async function freePort() {
	const { createServer } = await import('node:net');
	return await new Promise((res) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => res(port));
		});
	});
}

/** Publishes the webhook example, runs `n8n start`, and posts the receipt and the corrupt file to it. */
async function webhookExample(n8nBin, env, id, expected, target) {
	await sh(process.execPath, [n8nBin, 'publish:workflow', `--id=${id}`], { env });
	const port = await freePort();
	const brokerPort = await freePort();
	const serverEnv = {
		...process.env,
		...env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LOG_LEVEL: 'info',
	};
	const child = spawn(process.execPath, [n8nBin, 'start'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	let logs = '';
	child.stdout.on('data', (d) => (logs += d));
	child.stderr.on('data', (d) => (logs += d));
	const base = `http://127.0.0.1:${port}`;
	try {
		const deadline = Date.now() + 120_000;
		let ready = false;
		while (Date.now() < deadline && child.exitCode === null) {
			// Ready once the HTTP server answers and the workflow is activated.
			const res = await fetch(`${base}/healthz/readiness`).catch(() => null);
			if (res?.ok && logs.includes(`(ID: ${id})`) && /Activated workflow/.test(logs)) {
				ready = true;
				break;
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		if (!check('n8n start serves the webhook example', ready, { logs: logs.slice(-1500) })) return;
		const post = async (file, name) => {
			const form = new FormData();
			form.append('file', new Blob([readFileSync(file)], { type: 'image/jpeg' }), name);
			const res = await fetch(`${base}/webhook/grace-ocr-e2e`, { method: 'POST', body: form });
			const text = await res.text();
			let body = null;
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
			return { status: res.status, body };
		};
		const ok = await post(receiptPath, 'receipt.jpg');
		const same = target.compare.every((k) => ok.body?.[k] === expected[k]);
		check(`example webhook-upload-respond: answers the ${target.compare.join('/')} the host API gives`, ok.status === 200 && same, {
			status: ok.status,
			body: ok.body,
			expected: Object.fromEntries(target.compare.map((k) => [k, expected[k]])),
		});
		const bad = await post(corruptPath, 'corrupt.jpg');
		check('example webhook-upload-respond: answers 422 with an error for the corrupt file', bad.status === 422 && typeof bad.body?.error === 'string', { status: bad.status, body: bad.body });
	} finally {
		child.kill('SIGTERM');
		await new Promise((r) => {
			const t = setTimeout(() => {
				child.kill('SIGKILL');
				r();
			}, 15_000);
			child.on('exit', () => {
				clearTimeout(t);
				r();
			});
			if (child.exitCode !== null) r();
		});
	}
}

// ---------- main ----------

async function main() {
	if (!receiptPath || !corruptPath) {
		throw new SetupError('usage: run.mjs --receipt RECEIPT.jpg --corrupt CORRUPT.bin [--images DIR] [--stub] (or GRACE_E2E_RECEIPT / GRACE_E2E_CORRUPT)');
	}
	for (const p of [receiptPath, corruptPath]) if (!existsSync(p)) throw new SetupError(`no such file: ${p}`);

	let stub = null;
	const proxies = [];
	let url = (process.env.GRACE_URL || '').replace(/\/+$/, '');
	let key = process.env.GRACE_API_KEY || '';
	if (useStub) {
		stub = await startStub();
		url = stub.url;
		key = stub.key;
	}
	if (!url) throw new SetupError('set GRACE_URL to a running `grace serve` (or pass --stub)');
	summary.host = url;

	const work = process.env.GRACE_E2E_WORK ? resolve(process.env.GRACE_E2E_WORK) : mkdtempSync(join(tmpdir(), 'grace-n8n-e2e-'));
	rmSync(work, { recursive: true, force: true });
	mkdirSync(work, { recursive: true });
	summary.work_dir = work;

	try {
		const health = await fetch(`${url}/health`).catch((e) => ({ ok: false, status: String(e.cause?.code ?? e.message) }));
		if (!health.ok) throw new SetupError(`host ${url} not healthy: ${health.status}`);

		// Does the host have the invoice pipeline with every module it needs?
		const mods = await fetch(`${url}/v1/modules`, { headers: key ? { 'X-API-Key': key } : {} }).then((r) => r.json());
		const loadedModules = new Set((mods.modules ?? []).map((m) => m.name));
		const invoicePipeline = (mods.pipelines ?? []).find((p) => p.name === 'invoice');
		const missing = invoicePipeline ? invoicePipeline.steps.filter((st) => !loadedModules.has(typeof st === 'string' ? st : st.module ?? st.name)).map(String) : ['invoice pipeline'];
		if (missing.length === 0 && invoicePipeline.available === false) missing.push(String(invoicePipeline.unavailable_reason ?? 'invoice pipeline unavailable'));
		const target = missing.length === 0 ? TARGETS.invoice : TARGETS.ocr;
		summary.target = target.name;
		if (missing.length > 0) {
			const msg = `host lacks ${missing.join(', ')}: testing with the ocr module instead of the invoice pipeline`;
			if (requireInvoice) check('host has the invoice pipeline and all its modules', false, { missing });
			else log(`SKIP invoice checks: ${msg} (GRACE_E2E_REQUIRE_INVOICE=0)`);
			summary.skipped = [`invoice pipeline: ${msg}`];
		}

		const n8nBin = await timed('n8n_install', ensureN8n);
		const tarball = await timed('pack', () => packNode(work));
		log(`node package: ${tarball}`);

		// The packed node, installed with the documented command (`cargo xtask
		// n8n-install`, when run from `cargo xtask test`) or the script it runs.
		const userFolder = join(work, 'user');
		const n8nDir = join(userFolder, '.n8n');
		const installCmd = process.env.GRACE_XTASK_BIN
			? [process.env.GRACE_XTASK_BIN, ['n8n-install', '--n8n-dir', n8nDir, '--tarball', tarball]]
			: [process.execPath, [join(pkgDir, 'scripts', 'install.mjs'), '--n8n-dir', n8nDir, '--tarball', tarball]];
		await timed('install_node', () => sh(installCmd[0], installCmd[1]));
		const pkgTarget = join(n8nDir, 'nodes', 'node_modules', 'n8n-nodes-grace');
		summary.install_command = basename(installCmd[0]) === 'node' ? 'node scripts/install.mjs' : 'cargo xtask n8n-install';
		check(`the node installs with ${summary.install_command}`, existsSync(join(pkgTarget, 'dist', 'nodes', 'OcrExtract', 'OcrExtract.node.js')), { pkgTarget });

		// Input files: the receipt, and a batch of 19 images plus the corrupt file.
		const filesDir = join(work, 'files');
		const batchDir = join(filesDir, 'batch');
		mkdirSync(batchDir, { recursive: true });
		const receipt = join(filesDir, 'receipt.jpg');
		copyFileSync(receiptPath, receipt);
		let pool = [receiptPath];
		if (imagesDir) {
			pool = readdirSync(imagesDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, 19).map((f) => join(imagesDir, f));
			if (pool.length === 0) throw new SetupError(`no images in ${imagesDir}`);
		}
		for (let i = 0; i < 19; i++) {
			const src = pool[i % pool.length];
			copyFileSync(src, join(batchDir, `item-${String(i < 7 ? i : i + 1).padStart(2, '0')}${src.match(/\.\w+$/)[0]}`));
		}
		copyFileSync(corruptPath, join(batchDir, 'item-07-corrupt.jpg'));
		const inboxDir = join(filesDir, 'inbox');
		mkdirSync(inboxDir, { recursive: true });
		for (let i = 0; i < 3; i++) copyFileSync(pool[i % pool.length], join(inboxDir, `scan-${i}.jpg`));
		// A 10 MB phone-photo-sized upload: the receipt with JPEG comment
		// segments after its start marker (decoders skip them), so the same
		// pixels travel in a 10 MiB multipart body.
		const bigPhoto = join(filesDir, 'photo-10mb.jpg');
		writeFileSync(bigPhoto, paddedJpeg(readFileSync(receiptPath), 10 * 1024 * 1024));
		const files = { receipt, bigPhoto, batchGlob: join(batchDir, 'item-*'), inboxGlob: join(inboxDir, 'scan-*.jpg') };

		const env = {
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'grace-e2e-not-a-secret',
			N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			// `n8n execute` prints its result through the logger at level info.
			N8N_LOG_LEVEL: 'info',
			N8N_RUNNERS_ENABLED: 'false',
			DB_TYPE: 'sqlite',
			NODE_OPTIONS: '',
		};

		const importDir = join(work, 'import');
		mkdirSync(join(importDir, 'workflows'), { recursive: true });
		// Proxies for the retry checks: one cuts its first connection, one stops after its first request.
		const flaky = await startProxy(url, 'flaky');
		const stops = await startProxy(url, 'stops');
		proxies.push(flaky, stops);
		writeFileSync(
			join(importDir, 'credentials.json'),
			JSON.stringify(
				[
					{ ...CRED, type: 'graceApi', data: { url, apiKey: key } },
					{ ...CRED_WRONG, type: 'graceApi', data: { url, apiKey: `wrong-${key || 'key'}` } },
					{ ...CRED_FLAKY, type: 'graceApi', data: { url: flaky.url, apiKey: key } },
					{ ...CRED_STOPS, type: 'graceApi', data: { url: stops.url, apiKey: key } },
				],
				null,
				2,
			),
		);
		const workflows = [...buildWorkflows(files, target), newOpsWorkflow(files, target)];
		for (const wf of workflows) writeFileSync(join(importDir, 'workflows', `${wf.id}.json`), JSON.stringify(wf, null, 2));
		// The examples must import cleanly too.
		const examplesDir = join(repoDir, 'examples', 'n8n');
		const examples = existsSync(examplesDir) ? readdirSync(examplesDir).filter((f) => f.endsWith('.json')) : [];
		for (const f of examples) copyFileSync(join(examplesDir, f), join(importDir, 'workflows', `example-${f}`));
		// Runnable copies of two examples: the folder batch on the batch folder
		// (without the corrupt file), and the webhook on its own path; both with
		// the e2e credentials.
		const resultsFile = join(filesDir, 'grace-results.json');
		const runnable = {};
		for (const [file, id, patch] of [
			['folder-batch-jobs.json', 'graceE2eFolder01', (n) => {
				if (n.name === 'Read Inbox Folder') n.parameters.fileSelector = join(inboxDir, '*.jpg');
				if (n.name === 'Write Results') n.parameters.fileName = resultsFile;
				if (n.name === 'Get Result') n.parameters.pollIntervalSeconds = 1;
				if (n.name === 'Submit Job') n.parameters.jobModule = target.name;
			}],
			['webhook-upload-respond.json', 'graceE2eWebhook1', (n) => {
				if (n.name === 'OCR Extract') Object.assign(n.parameters, target.op);
				if (n.type === 'n8n-nodes-base.webhook') {
					n.parameters.path = 'grace-ocr-e2e';
					n.webhookId = '0e2e0e2e-0000-4000-8000-00000000e2e1';
				}
			}],
		]) {
			if (!examples.includes(file)) continue;
			const wf = JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
			wf.id = id;
			wf.name = `${wf.name} (e2e)`;
			for (const n of wf.nodes) {
				if (n.type === 'n8n-nodes-grace.ocrExtract') n.credentials = { graceApi: CRED };
				patch(n);
			}
			writeFileSync(join(importDir, 'workflows', `${id}.json`), JSON.stringify(wf, null, 2));
			runnable[file] = id;
		}

		await timed('n8n_import', async () => {
			await sh(process.execPath, [n8nBin, 'import:credentials', `--input=${join(importDir, 'credentials.json')}`], { env });
			await sh(process.execPath, [n8nBin, 'import:workflow', '--separate', `--input=${join(importDir, 'workflows')}`], { env });
		});
		check('examples import into n8n', true, { examples });

		// What n8n shows: the node, its credentials and their light/dark icons.
		const loaded = JSON.parse((await sh(process.execPath, [join(here, 'check-load.cjs'), resolve(n8nBin, '../../../..'), pkgTarget])).stdout);
		const ocrNode = loaded.nodes.find((n) => n.name === 'ocrExtract');
		const iconsOk = (i) => i && i.light?.exists && i.dark?.exists;
		check('n8n loads "OCR Extract" with light and dark icons from the installed package', ocrNode?.displayName === 'OCR Extract' && iconsOk(ocrNode.icons), { node: ocrNode });
		const cred = loaded.credentials.find((c) => c.name === 'graceApi');
		check('n8n loads "Grace API" credentials with icons', cred?.displayName === 'Grace API' && iconsOk(cred.icons), { credentials: cred });

		const expected = await timed('host_api', () => hostFlat(url, key, receiptPath, target.name));

		await timed('n8n_execute', async () => {
			// 1. one receipt: fields equal to the host's own answer
			let r = await execute(n8nBin, env, 'graceE2eExtract1');
			const simple = nodeOutput(r.parsed, 'OCR Extract');
			if (!check(`${target.name} workflow on one receipt ran`, r.code === 0 && simple?.length === 1, { code: r.code, out: r.stdout.slice(-800), err: r.stderr.slice(-800) })) return;
			const got = simple[0];
			summary.extract = { target: target.name, n8n: {}, host: {} };
			for (const k of target.compare) {
				summary.extract.n8n[k] = got[k] ?? null;
				summary.extract.host[k] = expected[k] ?? null;
				check(`${target.name}: ${k} equals the host API`, got[k] === expected[k], { n8n: got[k], host: expected[k] });
			}
			const full = nodeOutput(r.parsed, 'Full');
			check(`${target.name} (Full): ${target.name === 'invoice' ? 'fields and trace' : 'lines'}`, target.fullOk(full?.[0]), { keys: Object.keys(full?.[0] ?? {}) });

			// 2. 20 items, Continue On Fail on
			r = await execute(n8nBin, env, 'graceE2eBatchOn1');
			const batch = nodeOutput(r.parsed, 'OCR Extract') ?? [];
			const errors = batch.filter((j) => 'error' in j);
			const results = batch.filter((j) => !('error' in j) && j.status !== 'error');
			check('20 items with Continue On Fail on: 19 results + 1 error item', r.code === 0 && batch.length === 20 && results.length === 19 && errors.length === 1, {
				code: r.code, items: batch.length, results: results.length, errors: errors.length, error: errors[0]?.error, err: r.code === 0 ? undefined : r.stderr.slice(-800),
			});
			summary.continue_on_fail_error = errors[0]?.error ?? null;

			// 3. 20 items, Continue On Fail off: the run fails naming the item
			r = await execute(n8nBin, env, 'graceE2eBatchOff');
			const text = `${r.stdout}\n${r.stderr}`;
			const named = /item 7\b/.test(text) && /corrupt/.test(text);
			check('20 items with Continue On Fail off: workflow fails naming the item', r.code !== 0 && named, { code: r.code, out: text.slice(-1200) });
			summary.stop_on_fail_message = (/Grace failed on item \d+ \("[^"\n]*"\)[^\n]*/.exec(`${r.stderr}\n${r.stdout}`) ?? [null])[0];

			// 4. Submit Job + Get Result
			r = await execute(n8nBin, env, 'graceE2eJobs0001');
			const job = nodeOutput(r.parsed, 'Get Result')?.[0];
			check('Submit Job then Get Result returns the finished job', r.code === 0 && job?.job_status === 'done' && typeof job?.request_id === 'string', { code: r.code, job: job && { job_status: job.job_status, status: job.status, request_id: job.request_id }, err: r.code === 0 ? undefined : r.stderr.slice(-800) });

			// 5. Read Text and Run Module
			r = await execute(n8nBin, env, 'graceE2eReadTxt1');
			const textOut = nodeOutput(r.parsed, 'Read Text')?.[0];
			const hashOut = nodeOutput(r.parsed, 'Run Module')?.[0];
			check('Read Text returns text and lines', r.code === 0 && typeof textOut?.text === 'string' && Array.isArray(textOut?.lines), { code: r.code, keys: Object.keys(textOut ?? {}) });
			check('Run Module (hash) returns the module output', r.code === 0 && hashOut && Object.keys(hashOut).length > 0, { keys: Object.keys(hashOut ?? {}) });

			// 6. the newer operations, review routing, a wrong key, and retries (one workflow)
			const started = Date.now();
			r = await execute(n8nBin, env, 'graceE2eNewOps1');
			summary.timings_s.new_ops = Math.round((Date.now() - started) / 100) / 10;
			const newOk = check('newer-operations workflow ran', r.code === 0 && r.parsed !== null, { code: r.code, out: r.stdout.slice(-800), err: r.stderr.slice(-800) });
			if (newOk && target.name === 'invoice') {
				const waited = nodeOutput(r.parsed, 'Extract and Wait')?.[0];
				const same = target.compare.every((k) => waited?.[k] === expected[k]);
				check('Extract and Wait returns the fields the host API gives, with request_id', same && typeof waited?.request_id === 'string' && 'total_confidence' in (waited ?? {}), {
					got: waited && Object.fromEntries([...target.compare, 'request_id'].map((k) => [k, waited[k]])),
					expected: Object.fromEntries(target.compare.map((k) => [k, expected[k]])),
				});
				const okOut = nodeOutput(r.parsed, 'Route by Review', 0) ?? [];
				const reviewOut = nodeOutput(r.parsed, 'Route by Review', 1) ?? [];
				const flagged = (j) => j.needs_review === true || (Array.isArray(j.validations_failed) && j.validations_failed.length > 0);
				check(
					'Route by Review: documents needing review on "Needs Review", the rest on "OK"',
					okOut.length + reviewOut.length === 3 && reviewOut.length >= 2 && reviewOut.every(flagged) && okOut.every((j) => !flagged(j)),
					{ ok: okOut.map((j) => [j.needs_review, j.validations_failed]), review: reviewOut.map((j) => [j.needs_review, j.review_reasons]) },
				);
			}
			if (newOk) {
				const batchJobs = nodeOutput(r.parsed, 'Submit Batch') ?? [];
				const batchResults = nodeOutput(r.parsed, 'Get Batch Results') ?? [];
				const batchIds = new Set(batchJobs.map((j) => j.batch_id));
				const shapeKey = target.name === 'invoice' ? 'vendor_name' : 'text';
				check('Submit Batch (one batch) then Get Result: 3 results in the synchronous shape', batchJobs.length === 3 && batchIds.size === 1 && batchResults.length === 3 && batchResults.every((j) => j.status !== 'error' && shapeKey in j && typeof j.request_id === 'string'), {
					jobs: batchJobs.map((j) => [j.batch_id, j.request_id]),
					results: batchResults.map((j) => Object.keys(j).slice(0, 6)),
				});
				const big = nodeOutput(r.parsed, 'Big Photo')?.[0];
				check(
					'a 10 MB photo goes through the node (multipart) and reads as the receipt it pads',
					big !== undefined && !('error' in big) && target.compare.every((k) => big[k] === expected[k]),
					{ got: big && Object.fromEntries(target.compare.map((k) => [k, big[k]])), error: big?.error },
				);
				const wrong = nodeOutput(r.parsed, 'Wrong Key')?.[0];
				check('a wrong API key: the item fails with 401 and a hint about the key', key === '' || (wrong?.http_status === 401 && /API key/.test(String(wrong?.error_description))), { wrong });
				const flakyOut = nodeOutput(r.parsed, 'Flaky Host') ?? [];
				check('a connection cut by the host is retried and the items succeed', flakyOut.length === 3 && flakyOut.every((j) => !('error' in j)) && flaky.stats().cut === 1, { out: flakyOut.map((j) => j.error ?? 'ok'), proxy: flaky.stats() });
				const stopsOut = nodeOutput(r.parsed, 'Host Stops') ?? [];
				const stopErrors = stopsOut.filter((j) => 'error' in j);
				check(
					'the host stopped mid-workflow: retried, then a clear error naming the URL, with the hint',
					stopsOut.length === 3 && !('error' in stopsOut[0]) && stopErrors.length === 2 &&
						stopErrors.every((j) => /connection refused\) after 3 attempts/.test(j.error) && /is grace serve running at/.test(String(j.error_description))),
					{ out: stopsOut.map((j) => [j.error ?? 'ok', j.error_description]) },
				);
				summary.host_stopped_error = stopErrors[0] ? { error: stopErrors[0].error, description: stopErrors[0].error_description } : null;
			}
			// The credential's own test request: authenticated, so a wrong key fails it.
			const good = await credentialTest(pkgTarget, url, key);
			const bad = await credentialTest(pkgTarget, url, `wrong-${key || 'key'}`);
			check('credential test calls an authenticated route: right key passes, wrong key fails', good.status === 200 && (key === '' || bad.status === 401) && good.route !== '/health', { good, bad });

			// 7. examples/n8n/folder-batch-jobs.json on a folder of 3 images
			if (runnable['folder-batch-jobs.json']) {
				r = await execute(n8nBin, env, runnable['folder-batch-jobs.json']);
				const jobs = nodeOutput(r.parsed, 'Get Result') ?? [];
				let written = null;
				try {
					written = JSON.parse(readFileSync(resultsFile, 'utf8'));
				} catch {
					written = null;
				}
				check('example folder-batch-jobs: 3 jobs done and results written', r.code === 0 && jobs.length === 3 && jobs.every((j) => j.job_status === 'done') && Array.isArray(written) && written.length === 3, {
					code: r.code, jobs: jobs.map((j) => j.job_status ?? j.error), written: Array.isArray(written) ? written.length : written, err: r.code === 0 ? undefined : r.stderr.slice(-800),
				});
			} else check('example folder-batch-jobs exists', false, { examplesDir });
		});

		// 8. examples/n8n/webhook-upload-respond.json served by `n8n start`
		if (runnable['webhook-upload-respond.json']) {
			await timed('n8n_webhook', () => webhookExample(n8nBin, env, runnable['webhook-upload-respond.json'], expected, target));
		} else check('example webhook-upload-respond exists', false, { examplesDir });
	} finally {
		if (stub) stub.child.kill('SIGTERM');
		for (const p of proxies) p.stop();
		if (!keepWork && summary.checks.every((c) => c.pass)) rmSync(work, { recursive: true, force: true });
	}
	summary.ok = summary.checks.length > 0 && summary.checks.every((c) => c.pass);
}

const started = Date.now();
let exitCode = 0;
try {
	await main();
	exitCode = summary.ok ? 0 : 1;
} catch (e) {
	summary.error = e.message;
	log(`ERROR ${e.message}`);
	exitCode = e instanceof SetupError ? 2 : 1;
}
summary.timings_s.total = Math.round((Date.now() - started) / 100) / 10;
const passed = summary.checks.filter((c) => c.pass).length;
const failedCount = summary.checks.length - passed;
log(`${passed} passed, ${failedCount} failed in ${summary.timings_s.total} s`);
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(exitCode);
