import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { hostOptions } from '../../helpers/options';
import { runSync } from '../../helpers/requests';
import type { OperationResult } from '../node.type';
import { documentCall, keepsBinary, shapeOptions, shapeResult } from '../shared';

export const description: INodeProperties[] = [];

/** POST /v1/run/invoice: the invoice pipeline (pdf → ocr → invoice-fields → hash), synchronously. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const call = await documentCall.call(this, itemIndex);
	const options = hostOptions(call.settings, { module: 'invoice', isPdf: call.pdf });
	const envelope = await runSync.call(this, 'invoice', call.file, options, call.request, itemIndex);
	const shape = shapeOptions.call(this, itemIndex, call.settings);
	return { json: shapeResult('invoice', envelope, shape, call.settings), keepBinary: keepsBinary(call.settings) };
}
