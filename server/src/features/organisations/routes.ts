import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Organisation, OrganisationPatch, OrganisationParams, Problem } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { OrganisationsService } from './service.ts';

export const organisationRoutes: FastifyPluginAsyncZod<{ organisations: OrganisationsService; access: Access }> = async (
  app,
  { organisations, access },
) => {
  app.get('/api/orgs/:orgId', {
    schema: {
      operationId: 'getOrganisation',
      tags: ['organisations'],
      summary: 'The organisation and my role in it',
      params: OrganisationParams,
      response: { 200: Organisation, 400: Problem, 401: Problem, 404: Problem },
    },
  }, async (request) => organisations.get(await access.org(request, request.params.orgId)));

  app.patch('/api/orgs/:orgId', {
    schema: {
      operationId: 'updateOrganisation',
      tags: ['organisations'],
      summary: 'Change the name, currency (for rounds created afterwards), language or time zone',
      params: OrganisationParams,
      body: OrganisationPatch,
      response: { 200: Organisation, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  }, async (request) => organisations.update(await access.org(request, request.params.orgId, ['admin']), request.body));
};
