import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestSettings } from '../transport';
import { DEFAULT_REQUEST_SETTINGS } from '../transport';

/** What the user set under Settings. */
export interface Settings {
	profile?: string;
	locale?: string;
	minConfidence?: number;
	includeBoxes?: boolean;
	includeRawText?: boolean;
	/** Old name of keepSource = 'binary'. */
	passThroughBinary?: boolean;
	keepSource?: 'none' | 'json' | 'binary' | 'both';
	splitLineItems?: boolean;
	reviewThreshold?: number;
	pdfPages?: string;
	pdfPassword?: string;
	pdfDpi?: number;
}

export const DEFAULT_REVIEW_THRESHOLD = 0.8;

export function getSettings(this: IExecuteFunctions, itemIndex: number): Settings {
	return (this.getNodeParameter('settings', itemIndex, {}) ?? {}) as Settings;
}

export function getRequestSettings(this: IExecuteFunctions, itemIndex: number): RequestSettings {
	const raw = (this.getNodeParameter('requestOptions', itemIndex, {}) ?? {}) as IDataObject;
	const timeout = Number(raw.timeoutSeconds ?? DEFAULT_REQUEST_SETTINGS.timeoutSeconds);
	const retries = Number(raw.retries ?? DEFAULT_REQUEST_SETTINGS.retries);
	return {
		timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REQUEST_SETTINGS.timeoutSeconds,
		retries: Number.isFinite(retries) && retries >= 0 ? Math.min(10, Math.floor(retries)) : DEFAULT_REQUEST_SETTINGS.retries,
	};
}

/** The pdf module's options from Settings (only those the user set). */
export function pdfOptions(settings: Settings): IDataObject {
	const out: IDataObject = {};
	if (typeof settings.pdfPages === 'string' && settings.pdfPages.trim() !== '') out.pages = settings.pdfPages.trim();
	if (typeof settings.pdfPassword === 'string' && settings.pdfPassword !== '') out.password = settings.pdfPassword;
	if (typeof settings.pdfDpi === 'number' && settings.pdfDpi > 0) out.dpi = settings.pdfDpi;
	return out;
}

/** The JSON object typed into Module Options (a string or an evaluated object). */
export function moduleOptionsParam(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = this.getNodeParameter('moduleOptions', itemIndex, '{}') as unknown;
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) return { ...(raw as IDataObject) };
	if (typeof raw !== 'string' || raw.trim() === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Module Options of item ${itemIndex} is not valid JSON: ${(error as Error).message}`,
			{ itemIndex },
		);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), `Module Options of item ${itemIndex} must be a JSON object`, {
			itemIndex,
		});
	}
	return parsed as IDataObject;
}

/**
 * Options sent to the host: `base` (the user's JSON, if any) with the
 * settings merged in. PDF options go flat to the `pdf` module itself and
 * under the `pdf` key to a pipeline (the host routes `{"pdf": {...}}` to its
 * pdf step); they are sent only with a PDF.
 */
export function hostOptions(
	settings: Settings,
	target: { module: string; isPdf: boolean; ocrOnly?: boolean },
	base: IDataObject = {},
): IDataObject {
	const options: IDataObject = { ...base };
	if (settings.profile) options.profile = settings.profile;
	if (settings.locale && !target.ocrOnly) options.locale = settings.locale;
	if (typeof settings.minConfidence === 'number') options.min_confidence = settings.minConfidence;
	const pdf = pdfOptions(settings);
	if (target.isPdf && Object.keys(pdf).length > 0) {
		if (target.module === 'pdf') Object.assign(options, pdf);
		else options.pdf = { ...((options.pdf as IDataObject) ?? {}), ...pdf };
	}
	return options;
}
