import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { UploadFile } from '../../helpers/document';
import { hostOptions, pdfOptions } from '../../helpers/options';
import { runSync } from '../../helpers/requests';
import type { OutputMode, PageText } from '../../helpers/shape';
import { asObject, ocrPage, shapeOcrEnvelope, shapeText } from '../../helpers/shape';
import type { OperationResult } from '../node.type';
import { documentCall, keepsBinary } from '../shared';

export const description: INodeProperties[] = [];

/**
 * An image: POST /v1/run/ocr. A PDF: POST /v1/run/pdf (pages, password,
 * dpi), then each page without a text layer through POST /v1/run/ocr; pages
 * with a text layer are read as they are (confidence 1).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const call = await documentCall.call(this, itemIndex);
	const mode = this.getNodeParameter('outputMode', itemIndex, 'simplified') as OutputMode;
	const includeBoxes = call.settings.includeBoxes === true;
	const ocrOptions = hostOptions(call.settings, { module: 'ocr', isPdf: false, ocrOnly: true });
	const keepBinary = keepsBinary(call.settings);
	if (!call.pdf) {
		const envelope = await runSync.call(this, 'ocr', call.file, ocrOptions, call.request, itemIndex);
		return { json: [shapeOcrEnvelope(envelope, mode, includeBoxes)], keepBinary };
	}

	const pdfEnvelope = await runSync.call(this, 'pdf', call.file, { ...pdfOptions(call.settings), render: 'auto' }, call.request, itemIndex);
	const pdf = asObject(asObject(pdfEnvelope.result).data);
	const pages: PageText[] = [];
	const ocrEnvelopes: IDataObject[] = [];
	for (const raw of Array.isArray(pdf.pages) ? (pdf.pages as IDataObject[]) : []) {
		const page = asObject(raw);
		const number = typeof page.number === 'number' ? page.number : pages.length + 1;
		const image = asObject(page.image);
		if (page.source === 'image' && typeof image.base64 === 'string') {
			const png: UploadFile = {
				data: Buffer.from(image.base64, 'base64'),
				fileName: `${call.file.fileName.replace(/\.pdf$/i, '')}-page-${number}.png`,
				mimeType: String(image.media_type ?? 'image/png'),
			};
			const envelope = await runSync.call(this, 'ocr', png, ocrOptions, call.request, itemIndex);
			ocrEnvelopes.push(envelope);
			const quality = asObject(envelope.quality);
			pages.push(
				ocrPage(asObject(asObject(envelope.result).data), typeof quality.confidence === 'number' ? quality.confidence : null, number, 'ocr', includeBoxes),
			);
		} else {
			const textPage = { ...page, page: page.page };
			pages.push(ocrPage(textPage, 1, number, 'text-layer', includeBoxes));
		}
	}
	if (mode === 'raw') return { json: [{ pdf: pdfEnvelope, ocr: ocrEnvelopes }], keepBinary };
	const out = shapeText(pages, mode, {
		cached: asObject(pdfEnvelope.metadata).cached === true,
		pageCount: typeof pdf.page_count === 'number' ? pdf.page_count : undefined,
	});
	return { json: [out], keepBinary };
}
