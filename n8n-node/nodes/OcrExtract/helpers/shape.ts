// The shapes of the node's output. Simplified follows the host's flat shape
// (engine/translate/src/flat.rs, served by POST /v1/zapier/{name}): the same
// key names and the same value sources, plus per-field confidences, review
// reasons and the failed checks.
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_REVIEW_THRESHOLD } from './options';

/** The invoice fields of the flat shape, in its order (doc_type, document_sha256 and text apart). */
export const INVOICE_FIELDS = [
	'vendor_name',
	'vendor_tax_id',
	'vendor_address',
	'customer_name',
	'customer_tax_id',
	'invoice_number',
	'issue_date',
	'due_date',
	'currency',
	'subtotal',
	'tax_total',
	'withholding',
	'total',
	'amount_due',
	'iban',
	'payment_method',
] as const;

export type OutputMode = 'simplified' | 'full' | 'raw' | 'compact';

export interface ShapeOptions {
	mode: OutputMode;
	includeBoxes?: boolean;
	includeRawText?: boolean;
	reviewThreshold?: number;
}

export function asObject(value: unknown): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	return {};
}

function asArray(value: unknown): IDataObject[] {
	return Array.isArray(value) ? (value as IDataObject[]).filter((v) => v && typeof v === 'object') : [];
}

const BOX_KEYS = new Set(['box', 'boxes', 'bbox', 'quad', 'polygon', 'label_box', 'value_box']);

/** A deep copy without box coordinates, for users who asked not to get them. */
export function stripBoxes(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripBoxes);
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [key, inner] of Object.entries(value as IDataObject)) {
			if (BOX_KEYS.has(key)) continue;
			out[key] = stripBoxes(inner) as IDataObject;
		}
		return out;
	}
	return value;
}

/** A flat value: scalars as they are, arrays and objects as compact JSON text (as the host's flat shape). */
function scalar(value: unknown): string | number | boolean | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'object') return JSON.stringify(value);
	return value as string | number | boolean;
}

function firstAt(data: IDataObject, paths: string[][]): unknown {
	for (const path of paths) {
		let node: unknown = data;
		for (const key of path) node = node && typeof node === 'object' ? (node as IDataObject)[key] : undefined;
		if (node !== undefined && node !== null) return node;
	}
	return null;
}

/** An invoice field's value: `fields.<k>.value`, a bare `fields.<k>`, else a top-level `<k>` (as flat.rs). */
export function fieldValue(data: IDataObject, key: string): string | number | boolean | null {
	const field = asObject(data.fields)[key];
	if (field && typeof field === 'object' && !Array.isArray(field) && 'value' in (field as IDataObject)) {
		return scalar((field as IDataObject).value);
	}
	if (field !== undefined && field !== null) return scalar(field);
	return scalar(data[key]);
}

export function fieldConfidence(data: IDataObject, key: string): number | null {
	const field = asObject(data.fields)[key];
	const c = field && typeof field === 'object' ? (field as IDataObject).confidence : undefined;
	return typeof c === 'number' ? c : null;
}

/** Names of the checks that failed (`status: "fail"`, or `passed: false`). */
export function failedValidations(data: IDataObject): string[] {
	return asArray(data.validations)
		.filter((v) => v.status === 'fail' || v.passed === false)
		.map((v) => String(v.name ?? v.rule ?? 'check'));
}

/**
 * Whether a person should look at the document, and why: the host's own
 * `needs_review` / `review_reasons` when the result carries them, plus a
 * confidence below this node's threshold (a workflow may be stricter than
 * the host); without the host's verdict, a failed check too.
 */
export function review(envelope: IDataObject, threshold = DEFAULT_REVIEW_THRESHOLD): { needs_review: boolean; review_reasons: string[] } {
	const data = asObject(asObject(envelope.result).data);
	const quality = asObject(envelope.quality);
	const hostReasons = Array.isArray(data.review_reasons) ? (data.review_reasons as unknown[]).map((r) => (typeof r === 'string' ? r : JSON.stringify(r))) : undefined;
	const reasons: string[] = [];
	const confidence = typeof quality.confidence === 'number' ? quality.confidence : null;
	if (confidence !== null && confidence < threshold) {
		reasons.push(`confidence ${confidence.toFixed(2)} is below ${threshold.toFixed(2)}`);
	}
	if (typeof data.needs_review === 'boolean') {
		return { needs_review: data.needs_review || reasons.length > 0, review_reasons: [...(hostReasons ?? []), ...reasons] };
	}
	const validations = asArray(data.validations);
	for (const v of validations) {
		if (v.status === 'fail' || v.passed === false) {
			reasons.push(`check failed: ${String(v.name ?? v.rule ?? 'check')}${v.detail ? ` (${String(v.detail)})` : ''}`);
		}
	}
	if (quality.validation_passed === false && !validations.some((v) => v.status === 'fail' || v.passed === false)) {
		reasons.push('check failed: the host reports a failed validation');
	}
	return { needs_review: reasons.length > 0, review_reasons: hostReasons ?? reasons };
}

function language(data: IDataObject): string | null {
	if (typeof data.language === 'string') return data.language;
	const lang = asObject(data.lang);
	if (typeof lang.language === 'string') return lang.language;
	if (typeof data.locale === 'string' && data.locale !== '') return data.locale.split(/[-_]/)[0].toLowerCase();
	return null;
}

function lineItems(data: IDataObject): IDataObject[] {
	return asArray(data.line_items).map((li) => ({
		description: scalar(li.description),
		quantity: scalar(li.quantity),
		unit_price: scalar(li.unit_price),
		amount: scalar(li.amount),
		tax_rate: scalar(li.tax_rate),
	}));
}

/** Common keys of the host's flat shape, from the envelope. */
function common(envelope: IDataObject, reviewed: { needs_review: boolean }): IDataObject {
	const status = asObject(envelope.status);
	const metadata = asObject(envelope.metadata);
	const quality = asObject(envelope.quality);
	return {
		status: reviewed.needs_review ? 'needs_review' : 'ok',
		confidence: typeof quality.confidence === 'number' ? quality.confidence : null,
		trace_id: scalar(asObject(envelope.envelope).trace_id),
		module: scalar(status.module ?? metadata.module),
		module_version: scalar(status.version ?? metadata.version),
	};
}

/** Simplified invoice output: one flat object (arrays only for reasons, failed checks and line items). */
export function simplifyInvoice(envelope: IDataObject, options: ShapeOptions): IDataObject {
	const data = asObject(asObject(envelope.result).data);
	const reviewed = review(envelope, options.reviewThreshold);
	const doc = asObject(data.doc_type);
	const out: IDataObject = {
		...common(envelope, reviewed),
		needs_review: reviewed.needs_review,
		review_reasons: reviewed.review_reasons,
		doc_type: scalar(firstAt(data, [['doc_type', 'value'], ['document_type']]) ?? (typeof data.doc_type === 'string' ? data.doc_type : null)),
		doc_type_confidence: typeof doc.confidence === 'number' ? doc.confidence : null,
	};
	for (const key of INVOICE_FIELDS) {
		out[key] = fieldValue(data, key);
		out[`${key}_confidence`] = fieldConfidence(data, key);
	}
	out.validations_failed = failedValidations(data);
	out.document_sha256 = scalar(firstAt(data, [['document_sha256'], ['hash', 'sha256'], ['sha256']]));
	out.cached = asObject(envelope.metadata).cached === true;
	out.language = language(data);
	out.locale = scalar(data.locale);
	const items = lineItems(data);
	out.line_item_count = items.length;
	out.line_items = items;
	if (options.includeRawText) out.text = scalar(firstAt(data, [['text'], ['ocr', 'text']]));
	return out;
}

/** Full invoice output: the pipeline's result plus the review and the trace. */
export function fullInvoice(envelope: IDataObject, options: ShapeOptions): IDataObject {
	const data = { ...asObject(asObject(envelope.result).data) };
	if (!options.includeRawText) delete data.text;
	const full = (options.includeBoxes ? data : stripBoxes(data)) as IDataObject;
	const reviewed = review(envelope, options.reviewThreshold);
	full.needs_review = reviewed.needs_review;
	full.review_reasons = reviewed.review_reasons;
	full.validations_failed = failedValidations(data);
	full.confidence = (asObject(envelope.quality).confidence ?? null) as number | null;
	full.cached = asObject(envelope.metadata).cached === true;
	full.trace = (envelope.trace ?? []) as IDataObject[];
	return full;
}

/** Compact text for AI agents: the fields that have a value and the page text, no boxes. */
export function compactInvoice(envelope: IDataObject, options: ShapeOptions): IDataObject {
	const flat = simplifyInvoice(envelope, { ...options, includeRawText: true });
	const lines: string[] = [];
	if (flat.doc_type) lines.push(`doc_type: ${String(flat.doc_type)}`);
	for (const key of INVOICE_FIELDS) {
		if (flat[key] !== null && flat[key] !== '') lines.push(`${key}: ${String(flat[key])}`);
	}
	const items = flat.line_items as IDataObject[];
	if (items.length > 0) {
		lines.push('line_items:');
		for (const li of items) {
			lines.push(`- ${[li.description, li.quantity && `x${String(li.quantity)}`, li.amount].filter((v) => v !== null && v !== '' && v !== undefined).join(' | ')}`);
		}
	}
	lines.push(`needs_review: ${String(flat.needs_review)}`);
	for (const reason of flat.review_reasons as string[]) lines.push(`review_reason: ${reason}`);
	if (typeof flat.text === 'string' && flat.text !== '') lines.push('', '--- document text ---', flat.text);
	return {
		text: lines.join('\n'),
		needs_review: flat.needs_review,
		review_reasons: flat.review_reasons,
		confidence: flat.confidence,
	};
}

/** Splits a Simplified object into one item per line item (the document's fields on each). */
export function splitLineItems(flat: IDataObject): IDataObject[] {
	const items = Array.isArray(flat.line_items) ? (flat.line_items as IDataObject[]) : [];
	const base = { ...flat };
	delete base.line_items;
	if (items.length === 0) return [{ ...base, line_index: null }];
	return items.map((li, i) => {
		const out: IDataObject = { ...base, line_index: i };
		for (const [k, v] of Object.entries(li)) out[`line_${k}`] = v;
		return out;
	});
}

/** Shapes an invoice envelope for the chosen output mode. */
export function shapeInvoice(envelope: IDataObject, options: ShapeOptions): IDataObject {
	if (options.mode === 'raw') return envelope;
	if (options.mode === 'full') return fullInvoice(envelope, options);
	if (options.mode === 'compact') return compactInvoice(envelope, options);
	return simplifyInvoice(envelope, options);
}

export interface PageText {
	number: number | null;
	source: string;
	text: string;
	confidence: number | null;
	width: number | null;
	height: number | null;
	lines: IDataObject[];
}

/** One page of text from an `ocr` result (or a text-layer page of the `pdf` module). */
export function ocrPage(data: IDataObject, confidence: number | null, number: number | null, source: string, includeBoxes: boolean): PageText {
	const lines = asArray(data.lines).map((line) => {
		const out: IDataObject = { text: line.text, confidence: line.confidence };
		if (number !== null) out.page = number;
		if (includeBoxes && line.box !== undefined) out.box = line.box;
		return out;
	});
	const page = asObject(data.page);
	return {
		number,
		source,
		text: typeof data.text === 'string' ? data.text : lines.map((l) => String(l.text ?? '')).join('\n'),
		confidence,
		width: typeof page.width === 'number' ? page.width : null,
		height: typeof page.height === 'number' ? page.height : null,
		lines,
	};
}

/** Read Text output from one or more pages. */
export function shapeText(pages: PageText[], mode: OutputMode, meta: { cached?: boolean; pageCount?: number } = {}): IDataObject {
	const confidences = pages.map((p) => p.confidence).filter((c): c is number => typeof c === 'number');
	const confidence = confidences.length > 0 ? Math.min(...confidences) : null;
	const text = pages.map((p) => p.text).join('\n\n');
	if (mode === 'compact') {
		const body = pages.length > 1 ? pages.map((p) => `--- page ${p.number ?? '?'} ---\n${p.text}`).join('\n\n') : text;
		return { text: body, page_count: pages.length, confidence };
	}
	const lines = pages.flatMap((p) => p.lines);
	const first = pages[0];
	const out: IDataObject = {
		text,
		line_count: lines.length,
		confidence,
		page: first ? { width: first.width, height: first.height } : null,
		page_count: meta.pageCount ?? pages.length,
		pages: pages.map((p) => ({ number: p.number, source: p.source, text: p.text, line_count: p.lines.length, confidence: p.confidence, width: p.width, height: p.height })),
		lines,
	};
	if (meta.cached !== undefined) out.cached = meta.cached;
	return out;
}

/** Read Text output from a single `ocr` envelope. */
export function shapeOcrEnvelope(envelope: IDataObject, mode: OutputMode, includeBoxes: boolean): IDataObject {
	if (mode === 'raw') return envelope;
	const data = asObject(asObject(envelope.result).data);
	const quality = asObject(envelope.quality);
	const confidence = typeof quality.confidence === 'number' ? quality.confidence : null;
	return shapeText([ocrPage(data, confidence, null, 'ocr', includeBoxes)], mode, { cached: asObject(envelope.metadata).cached === true });
}

/** Output of any other module: its data (boxes only when asked), or the envelope. */
export function shapeModule(envelope: IDataObject, mode: OutputMode, includeBoxes: boolean): IDataObject {
	if (mode === 'raw') return envelope;
	const data = asObject(asObject(envelope.result).data);
	return (includeBoxes ? data : stripBoxes(data)) as IDataObject;
}

/** Shapes an envelope by the module or pipeline that made it. */
export function shapeByModule(module: string, envelope: IDataObject, options: ShapeOptions): IDataObject {
	if (module === 'invoice' || module === 'invoice-fields') return shapeInvoice(envelope, options);
	if (module === 'ocr' || module === 'text') return shapeOcrEnvelope(envelope, options.mode, options.includeBoxes === true);
	return shapeModule(envelope, options.mode, options.includeBoxes === true);
}
