import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

export const CREDENTIAL_NAME = 'graceApi';

export interface GraceResponse {
	statusCode: number;
	body: unknown;
	headers?: IDataObject;
}

/** Timeout and retries of every call to the host. */
export interface RequestSettings {
	/** Per request, in seconds. */
	timeoutSeconds: number;
	/** Retries after the first attempt on 429, 502, 503, 504 and connection failures. */
	retries: number;
}

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = { timeoutSeconds: 120, retries: 3 };
export const MAX_RETRY_WAIT_SECONDS = 30;
/** Statuses worth another try: rate limited, or a proxy/host that is restarting or busy. */
export const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Socket errors worth another try: the host restarted, or a proxy dropped the connection. */
export const RETRY_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

const CONNECTION_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
};

/** The clock of the retry and polling loops, replaceable in tests. */
export const timing = {
	sleep: (ms: number): Promise<void> => sleep(ms),
	now: (): number => Date.now(),
};

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** The host URL from the credentials, without trailing slashes. */
export async function getBaseUrl(this: Context): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const url = String(credentials.url ?? '').trim() || 'http://localhost:8080';
	return url.replace(/\/+$/, '');
}

/** Parses a response body that may arrive as text or bytes. */
export function parseBody(body: unknown): unknown {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (value instanceof ArrayBuffer) value = Buffer.from(value).toString('utf8');
	if (typeof value === 'string') {
		const trimmed = value.trim();
		if (trimmed === '') return {};
		try {
			return JSON.parse(trimmed);
		} catch {
			return value;
		}
	}
	return value;
}

/** The first socket error code found on an error or its causes (n8n wraps errors once or twice). */
export function connectionErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 6 && !seen.has(current); depth++) {
		seen.add(current);
		const e = current as { code?: unknown; cause?: unknown; message?: unknown; context?: IDataObject };
		if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
		const message = typeof e.message === 'string' ? e.message : '';
		const inMessage = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED)\b/.exec(message);
		if (inMessage) return inMessage[1];
		if (/socket hang up/i.test(message)) return 'ECONNRESET';
		// n8n's own wording for wrapped socket errors
		if (/refused the connection/i.test(message)) return 'ECONNREFUSED';
		if (/closed unexpectedly/i.test(message)) return 'ECONNRESET';
		if (/incorrect host \(domain\)/i.test(message)) return 'ENOTFOUND';
		if (/connection was aborted/i.test(message)) return 'ECONNABORTED';
		if (/host is unreachable/i.test(message)) return 'EHOSTUNREACH';
		if (/DNS server returned an error/i.test(message)) return 'EAI_AGAIN';
		if (/timeout of \d+ms exceeded|timed out/i.test(message)) return 'ETIMEDOUT';
		current = e.cause;
	}
	return undefined;
}

/** What to do about a connection failure, in words a workflow builder can act on. */
export function connectionHint(code: string | undefined, baseUrl: string, timeoutSeconds: number): string {
	const docker =
		'From n8n in Docker, localhost is the container itself: use http://host.docker.internal:8080 as Host URL, ' +
		'start the container with --add-host=host.docker.internal:host-gateway, and make Grace listen beyond loopback ' +
		'with `grace serve --listen 0.0.0.0:8080` (or GRACE_LISTEN=0.0.0.0:8080).';
	switch (code) {
		case 'ECONNREFUSED':
			return `Nothing answered at ${baseUrl}: is grace serve running at ${baseUrl}? ${docker}`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `The host name in ${baseUrl} does not resolve. Check Host URL in the Grace API credentials. ${docker}`;
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return `No answer from ${baseUrl} within ${timeoutSeconds} s. Raise Request Options → Timeout, use Extract and Wait or Submit Job for long documents, or check that a firewall lets n8n reach the host.`;
		case 'ECONNRESET':
		case 'EPIPE':
			return `The connection to ${baseUrl} was cut (the host restarted, or a proxy dropped it).`;
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return `No network route to ${baseUrl}. ${docker}`;
		default:
			return `Could not reach ${baseUrl}. Check Host URL in the Grace API credentials. ${docker}`;
	}
}

function retryDelayMs(attempt: number, retryAfter: unknown): number {
	const header = Number(retryAfter);
	if (Number.isFinite(header) && header >= 0) return Math.min(Math.max(header, 0.1), MAX_RETRY_WAIT_SECONDS) * 1000;
	// 1 s, 2 s, 4 s, ... up to 30 s
	return Math.min(1000 * 2 ** attempt, MAX_RETRY_WAIT_SECONDS * 1000);
}

export interface GraceRequestOptions {
	body?: Buffer | IDataObject;
	headers?: IDataObject;
	qs?: IDataObject;
	settings?: RequestSettings;
	itemIndex?: number;
}

/**
 * One request to the Grace host through n8n's authenticated request helper,
 * with a timeout, and retries with backoff on 429/502/503/504 and on
 * connection failures. HTTP errors are returned (status code and the host's
 * body) for the caller to turn into a NodeApiError; a host that cannot be
 * reached after the retries is a NodeApiError with a hint.
 */
export async function graceRequest(
	this: Context,
	method: IHttpRequestMethods,
	path: string,
	options: GraceRequestOptions = {},
): Promise<GraceResponse> {
	const baseURL = await getBaseUrl.call(this);
	const settings = options.settings ?? DEFAULT_REQUEST_SETTINGS;
	const timeoutSeconds = settings.timeoutSeconds > 0 ? settings.timeoutSeconds : DEFAULT_REQUEST_SETTINGS.timeoutSeconds;
	const retries = Math.max(0, Math.floor(settings.retries));
	const request: IHttpRequestOptions = {
		method,
		baseURL,
		url: path,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutSeconds * 1000,
		json: !Buffer.isBuffer(options.body),
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
	};
	if (options.qs && Object.keys(options.qs).length > 0) request.qs = options.qs;
	if (options.body !== undefined) request.body = options.body;
	for (let attempt = 0; ; attempt++) {
		let response: { statusCode?: number; body?: unknown; headers?: IDataObject };
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_NAME,
				request,
			)) as { statusCode?: number; body?: unknown; headers?: IDataObject };
		} catch (error) {
			const code = connectionErrorCode(error);
			if (code && RETRY_ERROR_CODES.has(code) && attempt < retries) {
				await timing.sleep(retryDelayMs(attempt, undefined));
				continue;
			}
			const tries = attempt + 1;
			// The message names the failure in words: n8n replaces a message
			// holding a raw socket code with its own generic text.
			const why = code ? ` (${CONNECTION_WORDS[code] ?? code.toLowerCase().replace(/^e/, '')})` : '';
			throw new NodeApiError(this.getNode(), { message: `Could not reach the Grace host at ${baseURL}` } as JsonObject, {
				message: `Could not reach the Grace host at ${baseURL}${why}${tries > 1 ? ` after ${tries} attempts` : ''}`,
				description: `${connectionHint(code, baseURL, timeoutSeconds)}${code ? ` [${code}]` : ''}`,
				itemIndex: options.itemIndex,
			});
		}
		const statusCode = response.statusCode ?? 0;
		if (RETRY_STATUSES.has(statusCode) && attempt < retries) {
			await timing.sleep(retryDelayMs(attempt, response.headers?.['retry-after']));
			continue;
		}
		return { statusCode, body: parseBody(response.body), headers: response.headers };
	}
}

/** The host's error object, whatever shape the body has. */
export function hostError(body: unknown): { code: string; message: string } {
	if (body && typeof body === 'object') {
		const b = body as IDataObject;
		const error = b.error as IDataObject | undefined;
		if (error && typeof error === 'object') {
			return {
				code: String(error.code ?? 'error'),
				message: String(error.message ?? 'the host reported an error'),
			};
		}
		if (typeof b.error_code === 'string' || typeof b.error_message === 'string') {
			return { code: String(b.error_code ?? 'error'), message: String(b.error_message ?? '') };
		}
		const errors = b.errors as IDataObject[] | undefined;
		if (Array.isArray(errors) && errors.length > 0) {
			const first = errors[0] ?? {};
			return {
				code: String(first.code ?? 'error'),
				message: String(first.message ?? JSON.stringify(first)),
			};
		}
	}
	if (typeof body === 'string' && body.trim() !== '') return { code: 'error', message: body.trim() };
	return { code: 'error', message: 'the host answered without an error message' };
}

/** A NodeApiError naming the item (and its file) for a failed host call. */
export function apiError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	response: GraceResponse,
	fileName?: string,
): NodeApiError {
	const { code, message } = hostError(response.body);
	const which = fileName ? `item ${itemIndex} ("${fileName}")` : `item ${itemIndex}`;
	const errorBody: JsonObject =
		response.body && typeof response.body === 'object'
			? (response.body as JsonObject)
			: { message: String(response.body ?? '') };
	const status = response.statusCode;
	return new NodeApiError(ctx.getNode(), errorBody, {
		message: `Grace failed on ${which}: ${code}: ${message}`,
		description: `HTTP ${status} from the Grace host. ${hint(status, code)}`.trim(),
		httpCode: String(status),
		itemIndex,
	});
}

function hint(status: number, code: string): string {
	if (status === 401) return 'Check the API key in the "Grace API" credentials.';
	if (status === 404 && code === 'unknown_module')
		return 'The module or pipeline is not loaded on this host; see GET /v1/modules.';
	if (status === 404 && code === 'not_found')
		return 'No such job: it may have been cleaned up (POST /api/ocr/clean), or the request ID is from another host.';
	if (status === 415 || code === 'invalid_input')
		return 'The file is not an image or document Grace can read (corrupt, empty, a wrong PDF password, or an unsupported type).';
	if (status === 413) return 'The file is larger than the host accepts.';
	if (status === 429) return 'The host is rate limiting this key; add a Wait node, lower the batch size or raise Request Options → Retries.';
	if (status === 502 || status === 503) return 'The host (or a proxy in front of it) is not ready; it was retried.';
	if (status === 504) return 'The host timed out; use Extract and Wait or Submit Job for long documents.';
	return '';
}

export function isOk(response: GraceResponse): boolean {
	return response.statusCode >= 200 && response.statusCode < 300;
}

/** True when a contract envelope says the run did not produce a usable result. */
export function envelopeFailed(body: unknown): boolean {
	if (!body || typeof body !== 'object') return true;
	const status = (body as IDataObject).status as IDataObject | undefined;
	const code = status && typeof status === 'object' ? String(status.code ?? '') : '';
	return code === 'ERROR' || code === 'TIMEOUT';
}

/** A JSON object body, or an empty object. */
export function asJson(value: unknown): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	return {};
}
