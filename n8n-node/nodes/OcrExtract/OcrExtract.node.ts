import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { OUTPUTS_EXPRESSION, TOOL_DESCRIPTION, properties } from './actions/versionDescription';
import { getModules } from './methods/loadOptions';

export class OcrExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCR Extract',
		name: 'ocrExtract',
		icon: { light: 'file:../../icons/grace.svg', dark: 'file:../../icons/grace.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Read invoices, receipts and other documents with Grace, on your own machine',
		defaults: {
			name: 'OCR Extract',
		},
		usableAsTool: {
			replacements: {
				description: TOOL_DESCRIPTION,
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: OUTPUTS_EXPRESSION,
		credentials: [
			{
				name: 'graceApi',
				required: true,
			},
		],
		properties,
	};

	methods = {
		loadOptions: {
			getModules,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
