import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { hostOptions } from '../../helpers/options';
import { pollJob, submitJob } from '../../helpers/requests';
import { asObject } from '../../helpers/shape';
import type { OperationResult } from '../node.type';
import { documentCall, keepsBinary, shapeOptions, shapeResult } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600 },
		default: 300,
		description:
			'How long to wait for the result. The job is polled with backoff (1 s, 1.5 s, 2.3 s, … up to 10 s between looks), so no single request waits on a long document.',
		displayOptions: { show: { operation: ['extractAndWait'] } },
	},
];

/** POST /api/ocr/process_image?module=invoice, then GET /api/ocr/result/{id} until done. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const call = await documentCall.call(this, itemIndex);
	const options = hostOptions(call.settings, { module: 'invoice', isPdf: call.pdf });
	const job = await submitJob.call(this, 'invoice', call.file, options, call.request, itemIndex);
	const requestId = String(job.request_id ?? '');
	const timeoutSeconds = this.getNodeParameter('waitTimeoutSeconds', itemIndex, 300) as number;
	const record = await pollJob.call(
		this,
		requestId,
		{ wait: true, timeoutMs: timeoutSeconds * 1000, intervalMs: 1000, maxIntervalMs: 10_000 },
		call.request,
		itemIndex,
	);
	const shape = shapeOptions.call(this, itemIndex, call.settings);
	if (shape.mode === 'raw') return { json: [record], keepBinary: keepsBinary(call.settings) };
	const json = shapeResult('invoice', asObject(record.result), shape, call.settings, { request_id: requestId });
	return { json, keepBinary: keepsBinary(call.settings) };
}
