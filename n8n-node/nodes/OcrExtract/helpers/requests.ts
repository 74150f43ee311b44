import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GraceResponse, RequestSettings } from '../transport';
import { apiError, asJson, envelopeFailed, graceRequest, isOk, timing } from '../transport';
import type { UploadFile } from './document';
import { buildMultipart } from './document';

/** POSTs one or more documents as multipart/form-data. */
export async function postDocuments(
	this: IExecuteFunctions,
	path: string,
	files: UploadFile | UploadFile[],
	options: IDataObject,
	request: { settings: RequestSettings; itemIndex: number; qs?: IDataObject },
): Promise<GraceResponse> {
	const { body, contentType } = buildMultipart(files, options);
	return await graceRequest.call(this, 'POST', path, {
		body,
		headers: { 'Content-Type': contentType },
		qs: request.qs,
		settings: request.settings,
		itemIndex: request.itemIndex,
	});
}

/** Runs a module or pipeline synchronously; a failed run is a NodeApiError naming the item and file. */
export async function runSync(
	this: IExecuteFunctions,
	name: string,
	file: UploadFile,
	options: IDataObject,
	settings: RequestSettings,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await postDocuments.call(this, `/v1/run/${encodeURIComponent(name)}`, file, options, { settings, itemIndex });
	if (!isOk(response) || envelopeFailed(response.body)) throw apiError(this, itemIndex, response, file.fileName);
	return asJson(response.body);
}

/** Queues one document; answers the host's `{request_id, status, module, result_url}`. */
export async function submitJob(
	this: IExecuteFunctions,
	module: string,
	file: UploadFile,
	options: IDataObject,
	settings: RequestSettings,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await postDocuments.call(this, '/api/ocr/process_image', file, options, {
		settings,
		itemIndex,
		qs: { module },
	});
	if (!isOk(response)) throw apiError(this, itemIndex, response, file.fileName);
	return asJson(response.body);
}

export interface PollOptions {
	/** Keep polling until done or failed; false: one look. */
	wait: boolean;
	timeoutMs: number;
	/** First wait between polls; each next wait is 1.5 times longer, up to maxIntervalMs. */
	intervalMs: number;
	maxIntervalMs: number;
}

/**
 * Fetches a job record, polling with backoff until it is done or failed or
 * the timeout passes. A failed job is a NodeApiError; a job still running
 * after the timeout is a NodeOperationError saying so.
 */
export async function pollJob(
	this: IExecuteFunctions,
	requestId: string,
	poll: PollOptions,
	settings: RequestSettings,
	itemIndex: number,
): Promise<IDataObject> {
	const path = `/api/ocr/result/${encodeURIComponent(requestId)}`;
	const deadline = timing.now() + poll.timeoutMs;
	let interval = Math.max(50, poll.intervalMs);
	// Bounded by the clock and by a poll count, so a stopped clock cannot loop forever.
	const maxPolls = poll.wait ? Math.ceil(poll.timeoutMs / Math.max(50, poll.intervalMs)) + 2 : 1;
	let record: IDataObject = {};
	for (let n = 0; n < maxPolls; n++) {
		const response = await graceRequest.call(this, 'GET', path, { settings, itemIndex });
		if (!isOk(response)) throw apiError(this, itemIndex, response);
		record = asJson(response.body);
		const status = String(record.status ?? '');
		if (status === 'done' || status === 'failed' || !poll.wait) break;
		const left = deadline - timing.now();
		if (left <= 0) break;
		await timing.sleep(Math.min(interval, left));
		interval = Math.min(interval * 1.5, Math.max(poll.maxIntervalMs, poll.intervalMs));
	}
	const status = String(record.status ?? '');
	if (status === 'failed') {
		const error = (record.error ?? {}) as IDataObject;
		throw new NodeApiError(this.getNode(), record as never, {
			message: `Grace job ${requestId} (item ${itemIndex}) failed: ${String(error.code ?? 'error')}: ${String(error.message ?? '')}`,
			description: error.code === 'invalid_input' ? 'The file is not an image or document Grace can read (corrupt, empty, a wrong PDF password, or an unsupported type).' : undefined,
			itemIndex,
		});
	}
	if (poll.wait && status !== 'done') {
		throw new NodeOperationError(
			this.getNode(),
			`Grace job ${requestId} (item ${itemIndex}) is still ${status || 'unknown'} after ${Math.round(poll.timeoutMs / 1000)} s`,
			{
				itemIndex,
				description: 'Raise the wait timeout, or fetch the result later with Job → Get Result (Wait for Completion off).',
			},
		);
	}
	return record;
}
