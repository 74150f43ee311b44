import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { UploadFile } from '../helpers/document';
import { isPdf, readDocument } from '../helpers/document';
import type { Settings } from '../helpers/options';
import { getRequestSettings, getSettings } from '../helpers/options';
import type { OutputMode, ShapeOptions } from '../helpers/shape';
import { shapeByModule, splitLineItems } from '../helpers/shape';
import type { RequestSettings } from '../transport';

/** What every document operation starts from. */
export interface DocumentCall {
	file: UploadFile;
	pdf: boolean;
	settings: Settings;
	request: RequestSettings;
}

export async function documentCall(this: IExecuteFunctions, itemIndex: number): Promise<DocumentCall> {
	const settings = getSettings.call(this, itemIndex);
	const request = getRequestSettings.call(this, itemIndex);
	const file = await readDocument.call(this, itemIndex);
	return { file, pdf: isPdf(file), settings, request };
}

export function shapeOptions(this: IExecuteFunctions, itemIndex: number, settings: Settings): ShapeOptions {
	return {
		mode: this.getNodeParameter('outputMode', itemIndex, 'simplified') as OutputMode,
		includeBoxes: settings.includeBoxes === true,
		includeRawText: settings.includeRawText === true,
		reviewThreshold: typeof settings.reviewThreshold === 'number' ? settings.reviewThreshold : undefined,
	};
}

/** Shapes a finished result and splits line items into items when asked (Simplified only). */
export function shapeResult(module: string, envelope: IDataObject, options: ShapeOptions, settings: Settings, extra: IDataObject = {}): IDataObject[] {
	const shaped = { ...extra, ...shapeByModule(module, envelope, options) };
	const invoice = module === 'invoice' || module === 'invoice-fields';
	if (invoice && options.mode === 'simplified' && settings.splitLineItems) return splitLineItems(shaped);
	return [shaped];
}

/** Whether Keep Source asks for the input file on the output. */
export function keepsBinary(settings: Settings): boolean {
	return settings.passThroughBinary === true || settings.keepSource === 'binary' || settings.keepSource === 'both';
}
