import type { INodeProperties } from 'n8n-workflow';

import { documentInput, outputMode, requestOptions, routeByReview, settings } from './common.descriptions';
import * as document from './document/Document.resource';
import * as job from './job/Job.resource';

/** The outputs: one, or "OK" and "Needs Review" when Route by Review is on for an extraction. */
export const OUTPUTS_EXPRESSION: `={{${string}}}` =
	'={{ $parameter.routeByReview && ["extractInvoice", "extractAndWait", "getResult"].includes($parameter.operation) ? [{ "type": "main", "displayName": "OK" }, { "type": "main", "displayName": "Needs Review" }] : [{ "type": "main" }] }}';

export const TOOL_DESCRIPTION =
	'Reads an invoice, receipt or other document (image: JPEG, PNG, TIFF, WebP; or PDF) with Grace, an OCR engine ' +
	'running on the user\'s own machine, and returns structured fields. Give the document as a URL (Document Source = URL) ' +
	'or as base64 text (Document Source = Base64). Resource "document", operation "extractInvoice" returns vendor_name, ' +
	'vendor_tax_id, invoice_number, issue_date (YYYY-MM-DD), due_date, currency, subtotal, tax_total, total, amount_due, iban, ' +
	'each with <field>_confidence (0 to 1), plus needs_review and review_reasons: when needs_review is true, tell the user ' +
	'which values to check instead of trusting them. Operation "readText" returns the plain text of every page. ' +
	'Use Output = "Compact Text" for a short answer with only the fields found and the page text. Values that were not found are null; never guess them.';

/** Every parameter: the resource, its operations, then what they share. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Document',
				value: 'document',
				description: 'Read a document now: invoice fields, text, or any module',
			},
			{
				name: 'Job',
				value: 'job',
				description: 'Queue documents in the background and fetch their results',
			},
		],
		default: 'document',
	},
	...document.description,
	...job.description,
	...documentInput,
	outputMode(['extractInvoice', 'extractAndWait', 'readText', 'getResult']),
	routeByReview,
	settings,
	requestOptions,
];
