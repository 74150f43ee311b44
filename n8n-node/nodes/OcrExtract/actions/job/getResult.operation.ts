import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getRequestSettings, getSettings } from '../../helpers/options';
import { pollJob } from '../../helpers/requests';
import { asObject } from '../../helpers/shape';
import type { OperationResult } from '../node.type';
import { keepsBinary, shapeOptions, shapeResult } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '={{ $json.request_id }}',
		required: true,
		description: 'The request_id returned by Submit Job or Submit Batch',
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
		description: 'The first wait between two looks; each next wait is 1.5 times longer, up to 10 s (or this interval if longer)',
		displayOptions: { show: { operation: ['getResult'], waitForCompletion: [true] } },
	},
];

/**
 * GET /api/ocr/result/{id}, polling with backoff until the job is done; the
 * result in the same shapes as the synchronous operations, with request_id.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const requestId = String(this.getNodeParameter('requestId', itemIndex, '') ?? '').trim();
	if (requestId === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has no request ID`, {
			itemIndex,
			description: 'Map the request_id that Submit Job or Submit Batch returned into "Request ID".',
		});
	}
	const settings = getSettings.call(this, itemIndex);
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const timeoutSeconds = this.getNodeParameter('timeoutSeconds', itemIndex, 120) as number;
	const intervalSeconds = this.getNodeParameter('pollIntervalSeconds', itemIndex, 2) as number;
	const record = await pollJob.call(
		this,
		requestId,
		{ wait, timeoutMs: timeoutSeconds * 1000, intervalMs: intervalSeconds * 1000, maxIntervalMs: 10_000 },
		getRequestSettings.call(this, itemIndex),
		itemIndex,
	);
	const shape = shapeOptions.call(this, itemIndex, settings);
	const keepBinary = keepsBinary(settings);
	if (shape.mode === 'raw' || record.status !== 'done') return { json: [record], keepBinary };
	const module = String(record.module ?? '');
	// job_status is the job's (done); status, for an invoice, is the result's own (ok or needs_review), as in the synchronous operations.
	const extra = { request_id: record.request_id ?? requestId, batch_id: record.batch_id ?? null, job_status: 'done', module: record.module ?? null };
	return { json: shapeResult(module, asObject(record.result), shape, settings, extra), keepBinary };
}
