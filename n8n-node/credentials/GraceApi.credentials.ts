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

	documentationUrl = 'https://github.com/grace-ocr/grace/tree/main/n8n-node#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Host URL',
			name: 'url',
			type: 'string',
			default: 'http://localhost:8080',
			placeholder: 'http://localhost:8080',
			description:
				'Where `grace serve` listens, without a trailing path. From n8n in Docker: http://host.docker.internal:8080 (start the container with --add-host=host.docker.internal:host-gateway, and Grace with --listen 0.0.0.0:8080).',
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
			url: '/v1/modules',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The host refused the API key: make one with `grace keys create NAME --data-dir DIR`',
				},
			},
		],
	};
}
