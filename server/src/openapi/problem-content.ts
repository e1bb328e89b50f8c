import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { Problem } from '@cagnotte/shared';

type Operation = { responses?: Record<string, { content?: Record<string, unknown> }> };
type Document = { info?: { description?: string }; paths?: Record<string, Record<string, Operation>> };

export const METHOD_NOT_ALLOWED_NOTE =
  ' A method a path does not support answers 405 `method_not_allowed`, with an `Allow` header listing those it does.';

/**
 * The error handler sends every 4xx and 5xx as `application/problem+json`; the document says
 * so, so that a client generated from it reads errors as they arrive.
 */
export function problemContent(document: Document): Document {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) < 400 || !response.content || json === undefined) continue;
        const { 'application/json': _json, ...others } = response.content;
        response.content = { 'application/problem+json': json, ...others };
      }
    }
  }
  if (document.info) document.info.description = `${document.info.description ?? ''}${METHOD_NOT_ALLOWED_NOTE}`;
  return document;
}

/** `jsonSchemaTransformObject`, then `problemContent`. */
export const transformDocument: typeof jsonSchemaTransformObject = (input) => problemContent(jsonSchemaTransformObject(input) as Document) as ReturnType<typeof jsonSchemaTransformObject>;

/**
 * Every route that validates a body, path parameters or a query string can answer 400
 * `validation_failed` (and the text guard's 400): declare it where a route forgot, so that the
 * document never promises less than the server does. Registered before the routes.
 */
export function declareValidationFailures(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (!schema?.response || !(schema.body || schema.params || schema.querystring)) return;
    const response = schema.response as Record<string, unknown>;
    if (!('400' in response)) schema.response = { ...response, 400: Problem };
  });
}
