import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asJson, graceRequest, hostError, isOk } from '../transport';

/** The modules and pipelines the host lists (GET /v1/modules), pipelines first. */
export async function getModules(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const response = await graceRequest.call(this, 'GET', '/v1/modules');
	if (!isOk(response)) {
		const { code, message } = hostError(response.body);
		throw new NodeOperationError(this.getNode(), `Could not list the host's modules: ${code}: ${message}`);
	}
	const body = asJson(response.body);
	const options: INodePropertyOptions[] = [];
	const pipelines = Array.isArray(body.pipelines) ? (body.pipelines as IDataObject[]) : [];
	for (const pipeline of pipelines) {
		const steps = Array.isArray(pipeline.steps)
			? (pipeline.steps as unknown[]).map((s) => (typeof s === 'string' ? s : String((s as IDataObject).module ?? (s as IDataObject).name ?? '?'))).join(' → ')
			: '';
		const unavailable = pipeline.available === false;
		let description = steps ? `Pipeline: ${steps}` : 'Pipeline';
		if (unavailable) {
			description += `. Unavailable on this host: ${String(pipeline.unavailable_reason ?? 'a step is missing')}`;
		}
		options.push({
			name: `${String(pipeline.name)} (pipeline${unavailable ? ', unavailable' : ''})`,
			value: String(pipeline.name),
			description,
		});
	}
	const modules = Array.isArray(body.modules) ? (body.modules as IDataObject[]) : [];
	for (const module of modules) {
		options.push({
			name: `${String(module.name)} ${module.version ? String(module.version) : ''}`.trim(),
			value: String(module.name),
			description: module.summary ? String(module.summary) : undefined,
		});
	}
	return options.sort((a, b) => a.name.localeCompare(b.name));
}
