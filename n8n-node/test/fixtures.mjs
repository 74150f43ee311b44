import { envelope } from './helpers.mjs';

export const INVOICE_DATA = {
	doc_type: { value: 'receipt', confidence: 0.9 },
	locale: 'en-US',
	fields: {
		vendor_name: { value: 'ACME SDN BHD', confidence: 0.9, box: [[1, 2], [3, 2], [3, 4], [1, 4]] },
		issue_date: { value: '2018-03-12', confidence: 0.85 },
		total: { value: '9.80', confidence: 0.95, box: [[5, 6], [7, 6], [7, 8], [5, 8]] },
	},
	tax_lines: [],
	line_items: [
		{ description: 'TEA', quantity: '1', unit_price: '4.90', amount: '4.90', tax_rate: null, box: [[0, 0], [1, 0], [1, 1], [0, 1]] },
		{ description: 'BUN', quantity: '2', unit_price: '2.45', amount: '4.90', tax_rate: null },
	],
	key_values: [],
	validations: [{ name: 'lines_sum_to_total', status: 'pass', fields: ['total'], values: {}, detail: 'ok' }],
	text: 'ACME SDN BHD\nTEA 4.90\nBUN 4.90\nTOTAL 9.80',
	document_sha256: 'ab'.repeat(32),
};

export function invoiceEnvelope({ confidence = 0.93, data = {}, cached = false } = {}) {
	const e = envelope('invoice', { ...INVOICE_DATA, ...data });
	e.quality.confidence = confidence;
	e.metadata.cached = cached;
	return e;
}

export function failingEnvelope() {
	return invoiceEnvelope({
		data: { validations: [{ name: 'lines_sum_to_total', status: 'fail', fields: ['total'], values: {}, detail: '4.90 + 4.90 != 10.80' }] },
	});
}

export const OCR_DATA = {
	page: { width: 800, height: 1200 },
	lines: [
		{ text: 'ACME SDN BHD', confidence: 0.97, box: [[1, 1], [9, 1], [9, 3], [1, 3]], words: [] },
		{ text: 'TOTAL 9.80', confidence: 0.88, box: [[1, 5], [9, 5], [9, 7], [1, 7]], words: [] },
	],
	text: 'ACME SDN BHD\nTOTAL 9.80',
};
