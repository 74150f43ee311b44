import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { hostOptions, moduleOptionsParam } from '../../helpers/options';
import { submitJob } from '../../helpers/requests';
import type { OperationResult } from '../node.type';
import { documentCall, keepsBinary } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Module or Pipeline Name or ID',
		name: 'jobModule',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getModules' },
		default: 'invoice',
		description:
			'What the job runs. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { operation: ['submitJob', 'submitBatch'] } },
	},
];

/** POST /api/ocr/process_image?module=NAME: queues the document; Get Result fetches the result. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const name = String(this.getNodeParameter('jobModule', itemIndex, 'invoice') ?? '').trim() || 'invoice';
	const base = moduleOptionsParam.call(this, itemIndex);
	const call = await documentCall.call(this, itemIndex);
	const options = hostOptions(call.settings, { module: name, isPdf: call.pdf }, base);
	const job = await submitJob.call(this, name, call.file, options, call.request, itemIndex);
	return { json: [{ ...job, file_name: call.file.fileName }], keepBinary: keepsBinary(call.settings) };
}
