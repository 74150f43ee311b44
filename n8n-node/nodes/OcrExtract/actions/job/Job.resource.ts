import type { INodeProperties } from 'n8n-workflow';

import * as getResult from './getResult.operation';
import * as submitBatch from './submitBatch.operation';
import * as submitJob from './submitJob.operation';

export { getResult, submitBatch, submitJob };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Get (and optionally wait for) the result of a submitted job',
				action: 'Get the result of a job',
			},
			{
				name: 'Submit Batch',
				value: 'submitBatch',
				description: 'Queue the documents of all input items in one request; one job per document',
				action: 'Submit a batch of documents',
			},
			{
				name: 'Submit Job',
				value: 'submitJob',
				description: 'Queue one document for processing in the background',
				action: 'Submit a job',
			},
		],
		default: 'submitJob',
	},
	...submitJob.description,
	...submitBatch.description,
	...getResult.description,
];
