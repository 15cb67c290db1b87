// The HTTP API's Lambda: maps each route of the contract to one use case.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { archivePage, getIssue, listIssues } from '../domain/issues.ts';
import { startSend } from '../domain/sending.ts';
import { servicesFromEnvironment, type Services } from '../wiring/services.ts';
import { createRouter, html, json, parseBody, type Route } from './http.ts';

const sendRequestSchema = z.strictObject({});

export function createApiHandler(services: Services) {
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/api/issues',
      access: 'editor',
      run: async () => json(200, { issues: await listIssues(services.issues) }),
    },
    {
      method: 'GET',
      path: '/api/issues/{id}',
      access: 'editor',
      run: async ({ params }) => json(200, await getIssue(services.issues, params.id ?? '')),
    },
    {
      method: 'POST',
      path: '/api/issues/{id}/send',
      access: 'editor',
      run: async ({ params, event }) => {
        parseBody(event, sendRequestSchema);
        const { recipients } = await startSend(services, params.id ?? '');
        return json(202, { id: params.id, status: 'sending', recipients });
      },
    },
    {
      method: 'GET',
      path: '/archive/{issueId}/{lang}',
      access: 'public',
      run: async ({ params }) => html(200, await archivePage(services, params.issueId ?? '', params.lang ?? '')),
    },
  ];
  return createRouter(routes, { adminToken: services.config.adminToken });
}

let handle: ReturnType<typeof createApiHandler> | undefined;
export const handler = async (event: APIGatewayProxyEventV2) => {
  handle ??= createApiHandler(await servicesFromEnvironment());
  return handle(event);
};
