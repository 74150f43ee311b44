import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { UploadFile } from '../../helpers/document';
import { isPdf } from '../../helpers/document';
import { getRequestSettings, getSettings, hostOptions, moduleOptionsParam } from '../../helpers/options';
import { postDocuments } from '../../helpers/requests';
import { apiError, asJson, isOk } from '../../transport';
import { documentCall, keepsBinary } from '../shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description:
			'How many documents go in one POST /api/ocr/process_batch (the host accepts up to limits.max_batch_files, 100 by default)',
		displayOptions: { show: { operation: ['submitBatch'] } },
	},
];

/** What happened to one input item of the batch. */
export type BatchOutcome = { itemIndex: number; json: IDataObject; binary?: INodeExecutionData['binary'] } | { itemIndex: number; error: Error };

/**
 * POST /api/ocr/process_batch with the documents of all input items (in
 * chunks of Batch Size); one output item per input item with its job's
 * request_id, paired with it. Module, options and settings are those of
 * the first item of each chunk.
 */
export async function executeBatch(this: IExecuteFunctions): Promise<BatchOutcome[]> {
	const items = this.getInputData();
	const outcomes: BatchOutcome[] = [];
	const ready: Array<{ itemIndex: number; file: UploadFile; keepBinary: boolean }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const call = await documentCall.call(this, itemIndex);
			ready.push({ itemIndex, file: call.file, keepBinary: keepsBinary(call.settings) });
		} catch (error) {
			outcomes.push({ itemIndex, error: error as Error });
		}
	}
	const size = Math.max(1, Math.floor((this.getNodeParameter('batchSize', 0, 50) as number) || 50));
	for (let start = 0; start < ready.length; start += size) {
		const chunk = ready.slice(start, start + size);
		const first = chunk[0].itemIndex;
		try {
			const name = String(this.getNodeParameter('jobModule', first, 'invoice') ?? '').trim() || 'invoice';
			const settings = getSettings.call(this, first);
			const options = hostOptions(settings, { module: name, isPdf: chunk.some((c) => isPdf(c.file)) }, moduleOptionsParam.call(this, first));
			const response = await postDocuments.call(this, '/api/ocr/process_batch', chunk.map((c) => c.file), options, {
				settings: getRequestSettings.call(this, first),
				itemIndex: first,
				qs: { module: name },
			});
			if (!isOk(response)) {
				const names = chunk.map((c) => c.file.fileName).join('", "');
				throw apiError(this, first, response, names);
			}
			const body = asJson(response.body);
			const jobs = Array.isArray(body.jobs) ? (body.jobs as IDataObject[]) : [];
			chunk.forEach((c, i) => {
				const job = jobs[i] ?? {};
				const json: IDataObject = {
					batch_id: body.batch_id ?? null,
					request_id: job.request_id ?? null,
					status: job.status ?? 'queued',
					module: name,
					file_name: job.filename ?? c.file.fileName,
					result_url: job.result_url ?? (job.request_id ? `/api/ocr/result/${String(job.request_id)}` : null),
				};
				outcomes.push({ itemIndex: c.itemIndex, json, binary: c.keepBinary ? items[c.itemIndex].binary : undefined });
			});
		} catch (error) {
			for (const c of chunk) outcomes.push({ itemIndex: c.itemIndex, error: error as Error });
		}
	}
	return outcomes.sort((a, b) => a.itemIndex - b.itemIndex);
}
