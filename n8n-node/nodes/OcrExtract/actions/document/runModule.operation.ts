import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hostOptions, moduleOptionsParam } from '../../helpers/options';
import { runSync } from '../../helpers/requests';
import { shapeModule } from '../../helpers/shape';
import type { OperationResult } from '../node.type';
import { documentCall, keepsBinary } from '../shared';

export const description: INodeProperties[] = [
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
		displayName: 'Module Options (JSON)',
		name: 'moduleOptions',
		type: 'json',
		default: '{}',
		description:
			'Options passed to the module as a JSON object, for example {"profile": "fast"}. Settings below are merged in.',
		displayOptions: { show: { operation: ['runModule', 'submitJob', 'submitBatch'] } },
	},
	{
		displayName: 'Run Output',
		name: 'runOutput',
		type: 'options',
		options: [
			{ name: 'Raw', value: 'raw', description: 'The whole response envelope' },
			{ name: 'Result Data', value: 'data', description: 'The module output only' },
		],
		default: 'data',
		displayOptions: { show: { operation: ['runModule'] } },
	},
];

/** POST /v1/run/{name}: any module or pipeline the host lists. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const name = String(this.getNodeParameter('module', itemIndex, '') ?? '').trim();
	if (name === '') {
		throw new NodeOperationError(this.getNode(), `No module chosen for item ${itemIndex}`, { itemIndex });
	}
	const base = moduleOptionsParam.call(this, itemIndex);
	const call = await documentCall.call(this, itemIndex);
	const options = hostOptions(call.settings, { module: name, isPdf: call.pdf }, base);
	const envelope = await runSync.call(this, name, call.file, options, call.request, itemIndex);
	const raw = this.getNodeParameter('runOutput', itemIndex, 'data') === 'raw';
	return { json: [shapeModule(envelope, raw ? 'raw' : 'full', call.settings.includeBoxes === true)], keepBinary: keepsBinary(call.settings) };
}
