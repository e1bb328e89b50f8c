import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ImportFailed, ImportReport, Member, MemberList, MemberListQuery, MemberParams, MemberPatch, NewMember, OrganisationParams, Problem } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { decodeCsv } from './csv.ts';
import type { MembersService } from './service.ts';

const CSV_LIMIT = 1024 * 1024;

export const memberRoutes: FastifyPluginAsyncZod<{ members: MembersService; access: Access }> = async (app, { members, access }) => {
  // Encapsulated: only this plugin's routes accept CSV bodies.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: CSV_LIMIT }, (_request, body, done) => {
    done(null, decodeCsv(body as Buffer));
  });

  app.get('/api/orgs/:orgId/members', {
    schema: {
      operationId: 'listMembers',
      tags: ['members'],
      summary: 'The organisation’s members, by name (e-mails and former members for admins, reviewers and accountants only)',
      params: OrganisationParams,
      querystring: MemberListQuery,
      response: { 200: MemberList, 400: Problem, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const actor = await access.org(request, request.params.orgId);
    return members.list(actor, request.query);
  });

  app.post('/api/orgs/:orgId/members', {
    schema: {
      operationId: 'addMember',
      tags: ['members'],
      summary: 'Add a member under the name given here (a known e-mail reuses that person; nothing another organisation recorded is shown); they get a welcome e-mail',
      params: OrganisationParams,
      body: NewMember,
      response: { 201: Member, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    const actor = await access.org(request, request.params.orgId, ['admin']);
    return reply.code(201).send(await members.add(actor, request.body));
  });

  app.post('/api/orgs/:orgId/members/import', {
    schema: {
      operationId: 'importMembers',
      tags: ['members'],
      summary: 'Import members from CSV (header email,name,role; `,` or `;`; UTF-8): all lines or none',
      description:
        'Send the file as `text/csv`, at most 1 MiB. Every line is checked first; if any is wrong (malformed, duplicated in ' +
        'the file, already a member) nothing is imported and the 400 lists each bad line by its number in the file, the header being line 1.',
      consumes: ['text/csv'],
      params: OrganisationParams,
      body: z.string().meta({ description: 'The CSV file.' }),
      response: { 200: ImportReport, 400: z.union([ImportFailed, Problem]), 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem },
    },
  }, async (request) => {
    const actor = await access.org(request, request.params.orgId, ['admin']);
    return members.importCsv(actor.organisationId, request.body, actor.membershipId);
  });

  app.patch('/api/orgs/:orgId/members/:membershipId', {
    schema: {
      operationId: 'updateMember',
      tags: ['members'],
      summary: 'Change a member’s role, deactivate or reactivate them (never the last active admin)',
      params: MemberParams,
      body: MemberPatch,
      response: { 200: Member, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const actor = await access.org(request, request.params.orgId, ['admin']);
    return members.update(actor, request.params.membershipId, request.body);
  });

  app.post('/api/orgs/:orgId/members/:membershipId/erase', {
    schema: {
      operationId: 'eraseMember',
      tags: ['members'],
      summary: 'Erase a member’s personal data (GDPR) in this organisation; their ids stay in the records',
      description:
        'Ends this membership for good: its name becomes “Erased member”, its e-mail is no longer shown here, it cannot be ' +
        'reactivated (the person may be added again as a new membership). Nothing in another organisation changes. Only when ' +
        'the person belongs to no other organisation (erased memberships aside) are their name and e-mail blanked, their ' +
        'sessions revoked and their unused sign-in links and queued e-mails deleted.',
      params: MemberParams,
      response: { 200: Member, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    const actor = await access.org(request, request.params.orgId, ['admin']);
    return members.erase(actor, request.params.membershipId);
  });
};
