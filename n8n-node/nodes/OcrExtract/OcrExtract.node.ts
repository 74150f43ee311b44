import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import {
	apiError,
	asObject,
	buildMultipart,
	envelopeFailed,
	graceRequest,
	hostError,
	isOk,
	readUpload,
	stripBoxes,
} from './GenericFunctions';
import type { GraceResponse, UploadFile } from './GenericFunctions';

type Operation = 'extractInvoice' | 'readText' | 'runModule' | 'submitJob' | 'getResult';

interface Settings {
	profile?: string;
	locale?: string;
	minConfidence?: number;
	includeBoxes?: boolean;
	includeRawText?: boolean;
	passThroughBinary?: boolean;
}

const FILE_OPERATIONS: Operation[] = ['extractInvoice', 'readText', 'runModule', 'submitJob'];

export class OcrExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCR Extract',
		name: 'ocrExtract',
		icon: { light: 'file:../../icons/grace.svg', dark: 'file:../../icons/grace.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Read invoices, receipts and other documents with Grace, on your own machine',
		defaults: {
			name: 'OCR Extract',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'graceApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Extract Invoice/Receipt',
						value: 'extractInvoice',
						description: 'Get vendor, dates, totals and taxes from an invoice or receipt',
						action: 'Extract invoice or receipt fields',
					},
					{
						name: 'Get Result',
						value: 'getResult',
						description: 'Get (and optionally wait for) the result of a submitted job',
						action: 'Get the result of a job',
					},
					{
						name: 'Read Text',
						value: 'readText',
						description: 'Get the text of a document, line by line, with confidence',
						action: 'Read the text of a document',
					},
					{
						name: 'Run Module',
						value: 'runModule',
						description: 'Run any module or pipeline loaded on the Grace host',
						action: 'Run a module or pipeline',
					},
					{
						name: 'Submit Job',
						value: 'submitJob',
						description: 'Queue a document for processing in the background (for large batches)',
						action: 'Submit a job',
					},
				],
				default: 'extractInvoice',
			},
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				placeholder: 'data',
				hint: 'The name of the input binary field containing the file to read',
				displayOptions: { show: { operation: FILE_OPERATIONS } },
			},
			{
				displayName: 'Output',
				name: 'outputMode',
				type: 'options',
				options: [
					{
						name: 'Simplified',
						value: 'simplified',
						description:
							'One flat object: vendor_name, invoice_number, issue_date, total, tax_total, currency, needs_review, …',
					},
					{
						name: 'Full',
						value: 'full',
						description:
							'Every field with its confidence and box, tax lines, line items, validations, and the step trace',
					},
					{
						name: 'Raw',
						value: 'raw',
						description: 'The whole response envelope from the host',
					},
				],
				default: 'simplified',
				displayOptions: { show: { operation: ['extractInvoice'] } },
			},
			{
				displayName: 'Module or Pipeline Name or ID',
				name: 'module',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getModules' },
				default: '',
				required: true,
				description:
					'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				displayOptions: { show: { operation: ['runModule'] } },
			},
			{
				displayName: 'Module or Pipeline Name or ID',
				name: 'jobModule',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getModules' },
				default: 'invoice',
				description:
					'What the job runs. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: { show: { operation: ['submitJob'] } },
			},
			{
				displayName: 'Module Options (JSON)',
				name: 'moduleOptions',
				type: 'json',
				default: '{}',
				description:
					'Options passed to the module as a JSON object, for example {"profile": "fast"}. Settings below are merged in.',
				displayOptions: { show: { operation: ['runModule', 'submitJob'] } },
			},
			{
				displayName: 'Run Output',
				name: 'runOutput',
				type: 'options',
				options: [
					{ name: 'Result Data', value: 'data', description: 'The module output only' },
					{ name: 'Raw', value: 'raw', description: 'The whole response envelope' },
				],
				default: 'data',
				displayOptions: { show: { operation: ['runModule'] } },
			},
			{
				displayName: 'Request ID',
				name: 'requestId',
				type: 'string',
				default: '={{ $json.request_id }}',
				required: true,
				description: 'The request_id returned by Submit Job',
				displayOptions: { show: { operation: ['getResult'] } },
			},
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: true,
				description: 'Whether to poll the host until the job is done or failed',
				displayOptions: { show: { operation: ['getResult'] } },
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 120,
				description: 'How long to wait for the job before giving up',
				displayOptions: { show: { operation: ['getResult'], waitForCompletion: [true] } },
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1, maxValue: 60, numberPrecision: 1 },
				default: 2,
				displayOptions: { show: { operation: ['getResult'], waitForCompletion: [true] } },
			},
			{
				displayName: 'Result Output',
				name: 'resultOutput',
				type: 'options',
				options: [
					{
						name: 'Result Data',
						value: 'data',
						description: 'The module output, with request_id and status',
					},
					{ name: 'Raw', value: 'raw', description: 'The whole job record with its envelope' },
				],
				default: 'data',
				displayOptions: { show: { operation: ['getResult'] } },
			},
			{
				displayName: 'Settings',
				name: 'settings',
				type: 'collection',
				placeholder: 'Add Setting',
				default: {},
				displayOptions: { show: { operation: FILE_OPERATIONS } },
				options: [
					{
						displayName: 'Include Boxes',
						name: 'includeBoxes',
						type: 'boolean',
						default: false,
						description:
							'Whether to keep the position (box) of each line, word and field in Full, Read Text and Run Module output',
					},
					{
						displayName: 'Include Raw Text',
						name: 'includeRawText',
						type: 'boolean',
						default: false,
						description: 'Whether to add the full recognized text to invoice output',
					},
					{
						displayName: 'Locale',
						name: 'locale',
						type: 'string',
						default: '',
						placeholder: 'es-ES',
						description:
							'How to read dates and amounts (for example es-ES reads 01/02/2024 as 1 February and 1.234,56 as 1234.56). Empty lets Grace guess.',
					},
					{
						displayName: 'Minimum Confidence',
						name: 'minConfidence',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
						default: 0.5,
						description: 'Lines read with a lower confidence (0 to 1) are dropped',
					},
					{
						displayName: 'Pass Through Binary',
						name: 'passThroughBinary',
						type: 'boolean',
						default: false,
						description: 'Whether to keep the input file on the output item',
					},
					{
						displayName: 'Profile',
						name: 'profile',
						type: 'options',
						options: [
							{ name: 'Accurate', value: 'accurate', description: 'Higher resolution, slower' },
							{ name: 'Balanced', value: 'balanced' },
							{ name: 'Fast', value: 'fast', description: 'Lower resolution, no orientation check' },
						],
						default: 'balanced',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getModules(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const response = await graceRequest.call(this, 'GET', '/v1/modules');
				if (!isOk(response)) {
					const { code, message } = hostError(response.body);
					throw new NodeOperationError(
						this.getNode(),
						`Could not list the host's modules: ${code}: ${message}`,
					);
				}
				const body = asObject(response.body);
				const options: INodePropertyOptions[] = [];
				const pipelines = Array.isArray(body.pipelines) ? (body.pipelines as IDataObject[]) : [];
				for (const pipeline of pipelines) {
					const steps = Array.isArray(pipeline.steps) ? (pipeline.steps as string[]).join(' → ') : '';
					const unavailable = pipeline.available === false;
					let description = steps ? `Pipeline: ${steps}` : 'Pipeline';
					if (unavailable) {
						description += `. Unavailable on this host: ${String(pipeline.unavailable_reason ?? 'a step is missing')}`;
					}
					options.push({
						name: `${String(pipeline.name)} (pipeline${unavailable ? ', unavailable' : ''})`,
						value: String(pipeline.name),
						description,
					});
				}
				const modules = Array.isArray(body.modules) ? (body.modules as IDataObject[]) : [];
				for (const module of modules) {
					options.push({
						name: `${String(module.name)} ${module.version ? String(module.version) : ''}`.trim(),
						value: String(module.name),
						description: module.summary ? String(module.summary) : undefined,
					});
				}
				return options.sort((a, b) => a.name.localeCompare(b.name));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as Operation;
				let json: IDataObject;
				let settings: Settings = {};
				if (operation === 'getResult') {
					json = await getResult.call(this, itemIndex);
				} else {
					settings = this.getNodeParameter('settings', itemIndex, {}) as Settings;
					const rawProperty = this.getNodeParameter('binaryPropertyName', itemIndex, 'data', {
						rawExpressions: false,
					});
					const file = await readUpload.call(this, itemIndex, rawProperty);
					json = await runFileOperation.call(this, operation, itemIndex, file, settings);
				}
				const out: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
				if (settings.passThroughBinary && items[itemIndex].binary) {
					out.binary = items[itemIndex].binary;
				}
				returnData.push(out);
			} catch (error) {
				// Errors raised above already carry the item index; anything else is wrapped.
				const nodeError =
					error instanceof NodeApiError || error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (nodeError.context.itemIndex === undefined) nodeError.context.itemIndex = itemIndex;
				if (this.continueOnFail()) {
					const json: IDataObject = { error: nodeError.message };
					if (nodeError.description) json.error_description = nodeError.description;
					if (nodeError instanceof NodeApiError && nodeError.httpCode) {
						json.http_status = Number(nodeError.httpCode);
					}
					returnData.push({ json, pairedItem: { item: itemIndex } });
					continue;
				}
				throw nodeError;
			}
		}

		return [returnData];
	}
}

/** Options sent to the host: the user's JSON with the settings merged in. */
function hostOptions(
	this: IExecuteFunctions,
	operation: Operation,
	itemIndex: number,
	settings: Settings,
): IDataObject {
	let options: IDataObject = {};
	if (operation === 'runModule' || operation === 'submitJob') {
		const raw = this.getNodeParameter('moduleOptions', itemIndex, '{}') as unknown;
		if (typeof raw === 'string') {
			const text = raw.trim();
			if (text !== '') {
				let parsed: unknown;
				try {
					parsed = JSON.parse(text);
				} catch (error) {
					throw new NodeOperationError(
						this.getNode(),
						`Module Options of item ${itemIndex} is not valid JSON: ${(error as Error).message}`,
						{ itemIndex },
					);
				}
				if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
					throw new NodeOperationError(
						this.getNode(),
						`Module Options of item ${itemIndex} must be a JSON object`,
						{ itemIndex },
					);
				}
				options = parsed as IDataObject;
			}
		} else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
			options = raw as IDataObject;
		}
	}
	if (settings.profile) options.profile = settings.profile;
	if (settings.locale && operation !== 'readText') options.locale = settings.locale;
	if (typeof settings.minConfidence === 'number') options.min_confidence = settings.minConfidence;
	return options;
}

async function postFile(
	this: IExecuteFunctions,
	path: string,
	file: UploadFile,
	options: IDataObject,
	qs?: IDataObject,
): Promise<GraceResponse> {
	const { body, contentType } = buildMultipart(file, options);
	return await graceRequest.call(this, 'POST', path, {
		body,
		headers: { 'Content-Type': contentType },
		qs,
	});
}

async function runFileOperation(
	this: IExecuteFunctions,
	operation: Operation,
	itemIndex: number,
	file: UploadFile,
	settings: Settings,
): Promise<IDataObject> {
	const options = hostOptions.call(this, operation, itemIndex, settings);
	const includeBoxes = settings.includeBoxes === true;

	if (operation === 'extractInvoice') {
		const mode = this.getNodeParameter('outputMode', itemIndex, 'simplified') as string;
		if (mode === 'simplified') {
			const response = await postFile.call(this, '/v1/zapier/invoice', file, options);
			const body = asObject(response.body);
			if (!isOk(response) || body.status === 'error') throw apiError(this, itemIndex, response, file.fileName);
			const flat = { ...body };
			if (!settings.includeRawText) delete flat.text;
			return flat;
		}
		const response = await postFile.call(this, '/v1/run/invoice', file, options);
		if (!isOk(response) || envelopeFailed(response.body)) {
			throw apiError(this, itemIndex, response, file.fileName);
		}
		const envelope = asObject(response.body);
		if (mode === 'raw') return envelope;
		const result = asObject(envelope.result);
		const data = { ...asObject(result.data) };
		if (!settings.includeRawText) delete data.text;
		const full = (includeBoxes ? data : stripBoxes(data)) as IDataObject;
		full.trace = (envelope.trace ?? []) as IDataObject[];
		return full;
	}

	if (operation === 'readText') {
		const response = await postFile.call(this, '/v1/run/ocr', file, options);
		if (!isOk(response) || envelopeFailed(response.body)) {
			throw apiError(this, itemIndex, response, file.fileName);
		}
		const envelope = asObject(response.body);
		const data = asObject(asObject(envelope.result).data);
		const rawLines = Array.isArray(data.lines) ? (data.lines as IDataObject[]) : [];
		const lines = rawLines.map((line) => {
			const out: IDataObject = { text: line.text, confidence: line.confidence };
			if (includeBoxes && line.box !== undefined) out.box = line.box;
			return out;
		});
		const quality = asObject(envelope.quality);
		return {
			text: typeof data.text === 'string' ? data.text : lines.map((l) => String(l.text ?? '')).join('\n'),
			line_count: lines.length,
			confidence: (quality.confidence ?? null) as number | null,
			page: (data.page ?? null) as IDataObject | null,
			lines,
		};
	}

	if (operation === 'runModule') {
		const name = String(this.getNodeParameter('module', itemIndex, '')).trim();
		if (name === '') {
			throw new NodeOperationError(this.getNode(), `No module chosen for item ${itemIndex}`, { itemIndex });
		}
		const response = await postFile.call(this, `/v1/run/${encodeURIComponent(name)}`, file, options);
		if (!isOk(response) || envelopeFailed(response.body)) {
			throw apiError(this, itemIndex, response, file.fileName);
		}
		const envelope = asObject(response.body);
		if (this.getNodeParameter('runOutput', itemIndex, 'data') === 'raw') return envelope;
		const data = asObject(asObject(envelope.result).data);
		return (includeBoxes ? data : stripBoxes(data)) as IDataObject;
	}

	// submitJob
	const name = String(this.getNodeParameter('jobModule', itemIndex, 'invoice')).trim() || 'invoice';
	const response = await postFile.call(this, '/api/ocr/process_image', file, options, { module: name });
	if (!isOk(response)) throw apiError(this, itemIndex, response, file.fileName);
	const body = asObject(response.body);
	return { ...body, file_name: file.fileName };
}

async function getResult(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const requestId = String(this.getNodeParameter('requestId', itemIndex, '') ?? '').trim();
	if (requestId === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has no request ID`, {
			itemIndex,
			description: 'Map the request_id that Submit Job returned into "Request ID".',
		});
	}
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const timeoutMs = (this.getNodeParameter('timeoutSeconds', itemIndex, 120) as number) * 1000;
	const intervalMs = Math.max(
		100,
		(this.getNodeParameter('pollIntervalSeconds', itemIndex, 2) as number) * 1000,
	);
	const path = `/api/ocr/result/${encodeURIComponent(requestId)}`;
	// Bounded twice: by the clock and by the number of polls the timeout allows.
	const deadline = Date.now() + timeoutMs;
	const maxPolls = wait ? Math.ceil(timeoutMs / intervalMs) + 1 : 1;

	let record: IDataObject = {};
	for (let poll = 0; poll < maxPolls; poll++) {
		const response = await graceRequest.call(this, 'GET', path);
		if (!isOk(response)) throw apiError(this, itemIndex, response);
		record = asObject(response.body);
		const status = String(record.status ?? '');
		if (status === 'done' || status === 'failed' || !wait) break;
		if (Date.now() + intervalMs > deadline) break;
		await sleep(intervalMs);
	}

	const status = String(record.status ?? '');
	if (status === 'failed') {
		const error = asObject(record.error);
		throw new NodeApiError(this.getNode(), record as never, {
			message: `Grace job ${requestId} (item ${itemIndex}) failed: ${String(error.code ?? 'error')}: ${String(error.message ?? '')}`,
			itemIndex,
		});
	}
	if (wait && status !== 'done') {
		throw new NodeOperationError(
			this.getNode(),
			`Grace job ${requestId} (item ${itemIndex}) is still ${status || 'unknown'} after ${timeoutMs / 1000} s`,
			{ itemIndex, description: 'Raise "Timeout (Seconds)" or fetch the result later with Wait for Completion off.' },
		);
	}
	if (this.getNodeParameter('resultOutput', itemIndex, 'data') === 'raw' || status !== 'done') {
		return record;
	}
	const envelope = asObject(record.result);
	const data = asObject(asObject(envelope.result).data);
	return {
		request_id: record.request_id ?? requestId,
		status,
		module: record.module ?? null,
		...data,
	} as IDataObject;
}
