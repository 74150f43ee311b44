import type { IDataObject } from 'n8n-workflow';

export type GraceResource = 'document' | 'job';

export type DocumentOperation = 'extractInvoice' | 'extractAndWait' | 'readText' | 'runModule';
export type JobOperation = 'submitJob' | 'submitBatch' | 'getResult';
export type GraceOperation = DocumentOperation | JobOperation;

/** What one input item became: one or more output objects (several when line items are split). */
export interface OperationResult {
	json: IDataObject[];
	/** The input file, kept on the output when Keep Source asks for it (Extract, Read Text, ...). */
	keepBinary?: boolean;
}

/** Operations whose results can go to the "Needs Review" output. */
export const REVIEW_OPERATIONS: GraceOperation[] = ['extractInvoice', 'extractAndWait', 'getResult'];
