import type { INodeProperties } from 'n8n-workflow';

import * as extractAndWait from './extractAndWait.operation';
import * as extractInvoice from './extractInvoice.operation';
import * as readText from './readText.operation';
import * as runModule from './runModule.operation';

export { extractAndWait, extractInvoice, readText, runModule };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{
				name: 'Extract and Wait',
				value: 'extractAndWait',
				description:
					'Queue an invoice or receipt and wait for its fields, polling inside the step: for long PDFs and busy hosts',
				action: 'Extract invoice fields and wait for the result',
			},
			{
				name: 'Extract Invoice/Receipt',
				value: 'extractInvoice',
				description: 'Get vendor, dates, totals, taxes and line items from an invoice or receipt (image or PDF)',
				action: 'Extract invoice or receipt fields',
			},
			{
				name: 'Read Text',
				value: 'readText',
				description: 'Get the text of an image or PDF, line by line, with confidence',
				action: 'Read the text of a document',
			},
			{
				name: 'Run Module',
				value: 'runModule',
				description: 'Run any module or pipeline loaded on the Grace host',
				action: 'Run a module or pipeline',
			},
		],
		default: 'extractInvoice',
	},
	...extractInvoice.description,
	...extractAndWait.description,
	...readText.description,
	...runModule.description,
];
