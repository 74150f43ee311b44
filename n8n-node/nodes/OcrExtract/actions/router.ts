import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as document from './document/Document.resource';
import * as job from './job/Job.resource';
import type { GraceOperation, OperationResult } from './node.type';
import { REVIEW_OPERATIONS } from './node.type';
import type { Settings } from '../helpers/options';

type Execute = (this: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

const OPERATIONS: Record<Exclude<GraceOperation, 'submitBatch'>, Execute> = {
	extractInvoice: document.extractInvoice.execute,
	extractAndWait: document.extractAndWait.execute,
	readText: document.readText.execute,
	runModule: document.runModule.execute,
	submitJob: job.submitJob.execute,
	getResult: job.getResult.execute,
};

/** Whether a result goes to "Needs Review": needs_review, or a failed check. */
export function needsReview(json: IDataObject): boolean {
	return (
		json.needs_review === true ||
		(Array.isArray(json.validations_failed) && json.validations_failed.length > 0) ||
		json.status === 'needs_review'
	);
}

/** An error as a NodeApiError/NodeOperationError that names the item. */
function itemError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	if (nodeError.context.itemIndex === undefined) nodeError.context.itemIndex = itemIndex;
	return nodeError;
}

/** The error item Continue On Fail puts out (n8n moves it to the error output when there is one). */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.error_description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.http_status = Number(error.httpCode);
	return { json, pairedItem: { item: itemIndex } };
}

/** Keep Source: the input JSON under `source`, and/or the input file. */
function withSource(settings: Settings, input: INodeExecutionData, json: IDataObject, keepBinary: boolean, itemIndex: number): INodeExecutionData {
	const out: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (settings.keepSource === 'json' || settings.keepSource === 'both') out.json = { ...json, source: input.json };
	if (keepBinary && input.binary) out.binary = input.binary;
	return out;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as GraceOperation;
	const routed = REVIEW_OPERATIONS.includes(operation) && this.getNodeParameter('routeByReview', 0, false) === true;
	const ok: INodeExecutionData[] = [];
	const review: INodeExecutionData[] = [];

	if (operation === 'submitBatch') {
		for (const outcome of await job.submitBatch.executeBatch.call(this)) {
			if ('error' in outcome) {
				const error = itemError.call(this, outcome.error, outcome.itemIndex);
				if (!this.continueOnFail()) throw error;
				ok.push(errorItem(error, outcome.itemIndex));
				continue;
			}
			const settings = (this.getNodeParameter('settings', outcome.itemIndex, {}) ?? {}) as Settings;
			const out = withSource(settings, items[outcome.itemIndex], outcome.json, false, outcome.itemIndex);
			if (outcome.binary) out.binary = outcome.binary;
			ok.push(out);
		}
		return [ok];
	}

	const execute = OPERATIONS[operation];
	if (!execute) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await execute.call(this, itemIndex);
			const settings = (this.getNodeParameter('settings', itemIndex, {}) ?? {}) as Settings;
			for (const json of result.json) {
				const out = withSource(settings, items[itemIndex], json, result.keepBinary === true, itemIndex);
				(routed && needsReview(json) ? review : ok).push(out);
			}
		} catch (error) {
			const nodeError = itemError.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			ok.push(errorItem(nodeError, itemIndex));
		}
	}
	return routed ? [ok, review] : [ok];
}
