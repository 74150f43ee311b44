import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GraceApi implements ICredentialType {
	name = 'graceApi';

	displayName = 'Grace API';

	icon: Icon = { light: 'file:../icons/grace.svg', dark: 'file:../icons/grace.dark.svg' };

	documentationUrl = 'http://localhost:8080/api/documentation';

	properties: INodeProperties[] = [
		{
			displayName: 'Host URL',
			name: 'url',
			type: 'string',
			default: 'http://localhost:8080',
			placeholder: 'http://localhost:8080',
			description: 'Where `grace serve` listens, without a trailing path',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A key made with `grace keys create NAME`. Leave empty only when the host runs with --no-auth.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}',
			url: '/health',
			method: 'GET',
		},
	};
}
