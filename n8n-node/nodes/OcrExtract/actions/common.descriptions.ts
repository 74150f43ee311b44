import type { INodeProperties } from 'n8n-workflow';

import type { GraceOperation } from './node.type';

/** Operations that read a document. */
export const DOCUMENT_INPUT_OPERATIONS: GraceOperation[] = [
	'extractInvoice',
	'extractAndWait',
	'readText',
	'runModule',
	'submitJob',
	'submitBatch',
];

/** Where the document comes from: a binary property, a URL or base64 text. */
export const documentInput: INodeProperties[] = [
	{
		displayName: 'Document Source',
		name: 'inputSource',
		type: 'options',
		options: [
			{
				name: 'Base64',
				value: 'base64',
				description: 'The document as base64 text (a data: URL works too)',
			},
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A file on the input item (from Gmail, Google Drive, Webhook, Read/Write Files from Disk, …)',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'Download the document from an http(s) URL first (n8n downloads it; Grace stays offline)',
			},
		],
		default: 'binary',
		displayOptions: { show: { operation: DOCUMENT_INPUT_OPERATIONS } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'data',
		hint: 'The name of the input binary field holding the image or PDF',
		displayOptions: { show: { operation: DOCUMENT_INPUT_OPERATIONS, inputSource: ['binary'] } },
	},
	{
		displayName: 'Document URL',
		name: 'documentUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/invoice.pdf',
		description: 'An http(s) URL of an image or PDF',
		displayOptions: { show: { operation: DOCUMENT_INPUT_OPERATIONS, inputSource: ['url'] } },
	},
	{
		displayName: 'Base64 Content',
		name: 'documentBase64',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		description: 'The image or PDF encoded as base64',
		displayOptions: { show: { operation: DOCUMENT_INPUT_OPERATIONS, inputSource: ['base64'] } },
	},
	{
		displayName: 'File Name',
		name: 'documentFileName',
		type: 'string',
		default: '',
		placeholder: 'invoice.pdf',
		description: 'Optional: a name for the document (the type is read from its bytes)',
		displayOptions: { show: { operation: DOCUMENT_INPUT_OPERATIONS, inputSource: ['base64'] } },
	},
];

/** Output mode of the operations that give invoice or text results. */
export function outputMode(operations: GraceOperation[]): INodeProperties {
	return {
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		options: [
			{
				name: 'Compact Text',
				value: 'compact',
				description: 'One text with the fields that have a value and the page text, no boxes: the best input for an AI agent',
			},
			{
				name: 'Full',
				value: 'full',
				description:
					'Every field with its confidence (and box when asked), tax lines, line items, validations, review and the step trace',
			},
			{
				name: 'Raw',
				value: 'raw',
				description: 'The whole response envelope (for Get Result: the whole job record)',
			},
			{
				name: 'Simplified',
				value: 'simplified',
				description:
					'One flat object: each field and its <field>_confidence, needs_review, review_reasons, validations_failed, document_sha256, cached, language',
			},
		],
		default: 'simplified',
		displayOptions: { show: { operation: operations } },
	};
}

/** Sends documents that need a person to a second output. */
export const routeByReview: INodeProperties = {
	displayName: 'Route by Review',
	name: 'routeByReview',
	type: 'boolean',
	default: false,
	description:
		'Whether to send documents that need review (low confidence or a failed check) to a second output, "Needs Review", and the rest to "OK"',
	displayOptions: { show: { operation: ['extractInvoice', 'extractAndWait', 'getResult'] } },
};

/** Settings of the operations that send a document. */
export const settings: INodeProperties = {
	displayName: 'Settings',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	displayOptions: { show: { operation: [...DOCUMENT_INPUT_OPERATIONS, 'getResult'] } },
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
			displayName: 'Keep Source',
			name: 'keepSource',
			type: 'options',
			options: [
				{ name: 'Binary File', value: 'binary', description: 'Keep the input file on the output item (to archive it, for example)' },
				{ name: 'Both', value: 'both', description: 'Keep the input JSON (under "source") and the input file' },
				{ name: 'Input JSON', value: 'json', description: 'Keep the input item\'s JSON under "source" (an email\'s subject and sender, for example)' },
				{ name: 'Nothing', value: 'none' },
			],
			default: 'none',
			description: 'What of the input item to keep on the output item',
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
			displayName: 'PDF DPI',
			name: 'pdfDpi',
			type: 'number',
			typeOptions: { minValue: 36, maxValue: 600 },
			default: 150,
			description: 'Resolution PDF pages without a text layer are rendered at for OCR (36–600)',
		},
		{
			displayName: 'PDF Pages',
			name: 'pdfPages',
			type: 'string',
			default: '',
			placeholder: '1-3,5,8-',
			description: 'Which pages of a PDF to read; empty reads all (up to the host\'s page limit)',
		},
		{
			displayName: 'PDF Password',
			name: 'pdfPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The password of an encrypted PDF',
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
		{
			displayName: 'Review Threshold',
			name: 'reviewThreshold',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.8,
			description:
				'A document read with a lower confidence (0 to 1) needs review, unless the host decides it (as POST /v1/zapier does)',
		},
		{
			displayName: 'Split Line Items Into Items',
			name: 'splitLineItems',
			type: 'boolean',
			default: false,
			description:
				'Whether to output one item per line item (Simplified output), each with the document\'s fields and line_description, line_quantity, line_unit_price, line_amount, line_tax_rate',
		},
	],
};

/** Timeout and retries, on every operation. */
export const requestOptions: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Retries',
			name: 'retries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How many times to retry a call the host answered 429, 502, 503 or 504, or whose connection was refused or reset (waiting 1 s, 2 s, 4 s, … or the host\'s Retry-After)',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3600 },
			default: 120,
			description: 'How long one call to the host may take',
		},
	],
};
