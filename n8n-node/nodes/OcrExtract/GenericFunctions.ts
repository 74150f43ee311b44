import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

export const CREDENTIAL_NAME = 'graceApi';

export interface GraceResponse {
	statusCode: number;
	body: unknown;
}

export interface UploadFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

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

/**
 * One request to the Grace host through n8n's authenticated request helper.
 * HTTP errors are not thrown by the helper: the caller sees the status code
 * and the host's error body and turns them into a NodeApiError.
 */
export async function graceRequest(
	this: Context,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: Buffer | IDataObject; headers?: IDataObject; qs?: IDataObject } = {},
): Promise<GraceResponse> {
	const baseURL = await getBaseUrl.call(this);
	const request: IHttpRequestOptions = {
		method,
		baseURL,
		url: path,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: !Buffer.isBuffer(options.body),
		headers: { Accept: 'application/json', ...(options.headers ?? {}) },
	};
	if (options.qs && Object.keys(options.qs).length > 0) request.qs = options.qs;
	if (options.body !== undefined) request.body = options.body;
	// A rate-limited request (429) is retried after the host's Retry-After
	// (at most MAX_RETRY_WAIT_SECONDS each time, MAX_RETRIES times).
	for (let attempt = 0; ; attempt++) {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_NAME,
			request,
		)) as { statusCode?: number; body?: unknown; headers?: IDataObject };
		const statusCode = response.statusCode ?? 0;
		if (statusCode === 429 && attempt < MAX_RETRIES) {
			const retryAfter = Number(response.headers?.['retry-after'] ?? 1);
			const seconds = Number.isFinite(retryAfter) ? Math.min(Math.max(retryAfter, 0.1), MAX_RETRY_WAIT_SECONDS) : 1;
			await sleep(seconds * 1000);
			continue;
		}
		return { statusCode, body: parseBody(response.body) };
	}
}

export const MAX_RETRIES = 3;
export const MAX_RETRY_WAIT_SECONDS = 30;

/**
 * A multipart/form-data body with a `file` part and an optional `options`
 * part (a JSON object), built by hand so the package needs no runtime
 * dependency. The boundary is chosen so it never occurs in the file.
 */
export function buildMultipart(
	file: UploadFile,
	options?: IDataObject,
): { body: Buffer; contentType: string } {
	let boundary = '----GraceN8nFormBoundary7MA4YWxkTrZu0gW';
	while (file.data.includes(boundary)) boundary += 'x';
	const safeName = file.fileName.replace(/["\r\n\\]/g, '_');
	const parts: Buffer[] = [];
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
				`Content-Type: ${file.mimeType || 'application/octet-stream'}\r\n\r\n`,
			'utf8',
		),
	);
	parts.push(file.data);
	parts.push(Buffer.from('\r\n', 'utf8'));
	if (options && Object.keys(options).length > 0) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n` +
					`Content-Type: application/json\r\n\r\n${JSON.stringify(options)}\r\n`,
				'utf8',
			),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Accepts what users type in the "Input Binary Field" box: `data`,
 * `$binary.data`, `{{$binary.data}}`, `={{ $binary["data"] }}`, and also the
 * binary object itself when an expression was evaluated.
 */
export function resolveBinaryPropertyName(
	raw: unknown,
	item: INodeExecutionData,
): string | undefined {
	const binary = item.binary ?? {};
	if (raw !== null && typeof raw === 'object') {
		const wanted = raw as Partial<IBinaryData>;
		for (const [key, value] of Object.entries(binary)) {
			if (
				value === raw ||
				(wanted.id !== undefined && value.id === wanted.id) ||
				(wanted.data !== undefined && value.data === wanted.data && value.fileName === wanted.fileName)
			) {
				return key;
			}
		}
		const keys = Object.keys(binary);
		return keys.length === 1 ? keys[0] : undefined;
	}
	let name = String(raw ?? '').trim();
	if (name.startsWith('=')) name = name.slice(1).trim();
	const braces = /^\{\{\s*(.*?)\s*\}\}$/.exec(name);
	if (braces) name = braces[1];
	const bracket = /^\$binary\s*\[\s*['"](.+)['"]\s*\]$/.exec(name);
	if (bracket) name = bracket[1];
	else if (name.startsWith('$binary.')) name = name.slice('$binary.'.length);
	name = name.trim();
	return name === '' ? 'data' : name;
}

/** Reads the item's file and describes it for an upload. */
export async function readUpload(
	this: IExecuteFunctions,
	itemIndex: number,
	rawProperty: unknown,
): Promise<UploadFile> {
	const item = this.getInputData()[itemIndex];
	const property = resolveBinaryPropertyName(rawProperty, item);
	const available = Object.keys(item.binary ?? {});
	if (property === undefined || !item.binary || !item.binary[property]) {
		const shown = typeof rawProperty === 'string' ? rawProperty : property ?? '(expression)';
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has no binary field "${shown}"`,
			{
				itemIndex,
				description:
					available.length > 0
						? `This item's binary fields: ${available.join(', ')}. Put one of these names in "Input Binary Field".`
						: 'This item carries no file. Put a node that downloads or receives a file (Gmail, Google Drive, Webhook, Read Binary File) before OCR Extract.',
			},
		);
	}
	const meta = item.binary[property];
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	return {
		data,
		fileName: meta.fileName ?? `${property}.bin`,
		mimeType: meta.mimeType ?? 'application/octet-stream',
	};
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
	if (status === 415 || code === 'invalid_input')
		return 'The file is not an image or document Grace can read (corrupt, empty, or an unsupported type).';
	if (status === 413) return 'The file is larger than the host accepts.';
	if (status === 429) return 'The host is rate limiting this key; add a Wait node or lower the batch size.';
	if (status === 0) return 'The host could not be reached; check the Host URL in the credentials.';
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

const BOX_KEYS = new Set(['box', 'boxes', 'bbox', 'quad', 'polygon']);

/** A deep copy without box coordinates, for users who asked not to get them. */
export function stripBoxes(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripBoxes);
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [key, inner] of Object.entries(value as IDataObject)) {
			if (BOX_KEYS.has(key)) continue;
			out[key] = stripBoxes(inner) as IDataObject;
		}
		return out;
	}
	return value;
}

export function asObject(value: unknown): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	return { value: value as IDataObject[keyof IDataObject] };
}
