import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export interface UploadFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** Where the document comes from. */
export type InputSource = 'binary' | 'url' | 'base64';

const MAGIC: Array<[number[], string, string]> = [
	[[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf', 'pdf'],
	[[0xff, 0xd8, 0xff], 'image/jpeg', 'jpg'],
	[[0x89, 0x50, 0x4e, 0x47], 'image/png', 'png'],
	[[0x49, 0x49, 0x2a, 0x00], 'image/tiff', 'tif'],
	[[0x4d, 0x4d, 0x00, 0x2a], 'image/tiff', 'tif'],
	[[0x47, 0x49, 0x46, 0x38], 'image/gif', 'gif'],
	[[0x42, 0x4d], 'image/bmp', 'bmp'],
];

/** The media type and extension the first bytes say, when they say one. */
export function sniff(data: Buffer): { mimeType: string; extension: string } | undefined {
	for (const [magic, mimeType, extension] of MAGIC) {
		if (data.length >= magic.length && magic.every((b, i) => data[i] === b)) return { mimeType, extension };
	}
	if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
		return { mimeType: 'image/webp', extension: 'webp' };
	}
	// A PDF may have a few bytes before its header.
	if (data.subarray(0, 1024).includes('%PDF-')) return { mimeType: 'application/pdf', extension: 'pdf' };
	return undefined;
}

export function isPdf(file: UploadFile): boolean {
	return file.mimeType === 'application/pdf' || sniff(file.data)?.mimeType === 'application/pdf';
}

/** Fills in a media type and a file name from the bytes when the source gave none. */
function describe(data: Buffer, fileName: string | undefined, mimeType: string | undefined, fallbackName: string): UploadFile {
	const sniffed = sniff(data);
	let type = mimeType && mimeType !== 'application/octet-stream' ? mimeType : sniffed?.mimeType ?? 'application/octet-stream';
	if (sniffed?.mimeType === 'application/pdf') type = 'application/pdf';
	let name = fileName?.trim() || fallbackName;
	if (!/\.[A-Za-z0-9]{2,5}$/.test(name) && sniffed) name = `${name}.${sniffed.extension}`;
	return { data, fileName: name, mimeType: type };
}

/**
 * A multipart/form-data body with one or more `file` parts and an optional
 * `options` part (a JSON object), built by hand so the package needs no
 * runtime dependency. The boundary is chosen so it never occurs in a file.
 */
export function buildMultipart(
	files: UploadFile | UploadFile[],
	options?: IDataObject,
): { body: Buffer; contentType: string } {
	const list = Array.isArray(files) ? files : [files];
	let boundary = '----GraceN8nFormBoundary7MA4YWxkTrZu0gW';
	while (list.some((f) => f.data.includes(boundary))) boundary += 'x';
	const parts: Buffer[] = [];
	for (const file of list) {
		const safeName = file.fileName.replace(/["\r\n\\]/g, '_');
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
					`Content-Type: ${file.mimeType || 'application/octet-stream'}\r\n\r\n`,
				'utf8',
			),
		);
		parts.push(file.data);
		parts.push(Buffer.from('\r\n', 'utf8'));
	}
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
export function resolveBinaryPropertyName(raw: unknown, item: INodeExecutionData): string | undefined {
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

async function fromBinary(this: IExecuteFunctions, itemIndex: number): Promise<UploadFile> {
	const rawProperty = this.getNodeParameter('binaryPropertyName', itemIndex, 'data', { rawExpressions: false });
	const item = this.getInputData()[itemIndex];
	const property = resolveBinaryPropertyName(rawProperty, item);
	const available = Object.keys(item.binary ?? {});
	if (property === undefined || !item.binary || !item.binary[property]) {
		const shown = typeof rawProperty === 'string' ? rawProperty : property ?? '(expression)';
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has no binary field "${shown}"`, {
			itemIndex,
			description:
				available.length > 0
					? `This item's binary fields: ${available.join(', ')}. Put one of these names in "Input Binary Field".`
					: 'This item carries no file. Put a node that downloads or receives a file (Gmail, Google Drive, Webhook, Read/Write Files from Disk) before OCR Extract, or set Document Source to URL or Base64.',
		});
	}
	const meta = item.binary[property];
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	return describe(data, meta.fileName, meta.mimeType, property);
}

async function fromUrl(this: IExecuteFunctions, itemIndex: number): Promise<UploadFile> {
	const url = String(this.getNodeParameter('documentUrl', itemIndex, '') ?? '').trim();
	if (!/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Document URL must start with http:// or https://`, {
			itemIndex,
			description: `Got "${url}".`,
		});
	}
	const timeoutSeconds = Number((this.getNodeParameter('requestOptions', itemIndex, {}) as IDataObject).timeoutSeconds ?? 120);
	let response: { body?: unknown; headers?: IDataObject; statusCode?: number };
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			json: false,
			timeout: timeoutSeconds * 1000,
		})) as { body?: unknown; headers?: IDataObject; statusCode?: number };
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: could not download ${url}: ${(error as Error).message}`, {
			itemIndex,
		});
	}
	const body = response.body;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''), 'binary');
	const header = String(response.headers?.['content-type'] ?? '').split(';')[0].trim();
	const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(String(response.headers?.['content-disposition'] ?? ''));
	const fromPath = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
	return describe(data, disposition?.[1] ?? fromPath, header || undefined, 'document');
}

function fromBase64(this: IExecuteFunctions, itemIndex: number): UploadFile {
	let text = String(this.getNodeParameter('documentBase64', itemIndex, '') ?? '').trim();
	let declared: string | undefined;
	const dataUrl = /^data:([^;,]+)?(;base64)?,/.exec(text);
	if (dataUrl) {
		declared = dataUrl[1];
		text = text.slice(dataUrl[0].length);
	}
	const data = Buffer.from(text.replace(/\s+/g, ''), 'base64');
	if (data.length === 0) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: Base64 Content is empty`, { itemIndex });
	}
	const fileName = String(this.getNodeParameter('documentFileName', itemIndex, '') ?? '');
	return describe(data, fileName, declared, 'document');
}

/** Reads the item's document from where Document Source says. */
export async function readDocument(this: IExecuteFunctions, itemIndex: number): Promise<UploadFile> {
	const source = this.getNodeParameter('inputSource', itemIndex, 'binary') as InputSource;
	if (source === 'url') return await fromUrl.call(this, itemIndex);
	if (source === 'base64') return fromBase64.call(this, itemIndex);
	return await fromBinary.call(this, itemIndex);
}
