import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { ErrorCode } from '@switchyard/errors';
import { z } from 'zod';
import { HTTP_PROBLEM_CODES } from '../problem';
import type { StatusMap } from '../problem-details.filter';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { API_DOC_METADATA, type ApiDocMeta } from './api-doc';

export interface OpenApiOptions {
  title: string;
  version: string;
  description: string;
  statuses: StatusMap;
  /** Codes any authenticated route may answer (an unknown or suspended tenant, a missing role). */
  authErrors: ErrorCode[];
  /** Codes any route that reaches a database may answer: 503 with Retry-After. */
  platformErrors: ErrorCode[];
}

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/**
 * The OpenAPI 3.1 document of an app, read off what already runs: Nest's route metadata (paths,
 * methods, success status), the schemas of the ZodValidationPipes on each parameter (so the contract and
 * the validation are one source), and an `@ApiDoc` per route for its summary, success body and the
 * domain errors it answers. A route without `@ApiDoc` is an error, so none goes undocumented.
 */
export function buildOpenApiDocument(controllers: Type[], options: OpenApiOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const doc = Reflect.getMetadata(API_DOC_METADATA, handler) as ApiDocMeta | undefined;
      if (!doc) throw new Error(`${controller.name}.${name} has no @ApiDoc: every route is documented`);
      const path = openApiPath(base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? ''));
      const verb = RequestMethod[method].toLowerCase();
      paths[path] = { ...paths[path], [verb]: operation(controller, name, handler, verb, doc, options) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    paths,
    components: {
      schemas: { Problem: problemSchema() },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A signed JWT (HS256 or RS256)' },
      },
    },
  };
}

function operation(
  controller: Type,
  name: string,
  handler: object,
  verb: string,
  doc: ApiDocMeta,
  options: OpenApiOptions,
): Operation {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
    string,
    { data?: string; pipes?: unknown[] }
  >;
  const parameters: JsonSchema[] = [];
  let body: z.ZodType | undefined;
  for (const [key, arg] of Object.entries(args)) {
    const type = Number(key.split(':')[0]);
    const schema = arg.pipes?.find((p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe)?.schema;
    if (type === RouteParamtypes.PARAM && arg.data)
      parameters.push({ name: arg.data, in: 'path', required: true, schema: jsonSchema(schema, 'input') });
    if (type === RouteParamtypes.QUERY && schema) parameters.push(...queryParameters(schema));
    if (type === RouteParamtypes.BODY) body = schema;
  }
  if (doc.conditional === 'read')
    parameters.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'An ETag read before: 304 when it still names the resource',
      schema: { type: 'string' },
    });
  if (doc.conditional === 'write')
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'An ETag read before: the change happens only if it still names the resource, else 412',
      schema: { type: 'string' },
    });
  for (const header of doc.headers ?? [])
    parameters.push({
      name: header.name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: { type: 'string' },
    });

  const success = Number(Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (verb === 'post' ? 201 : 200));
  const etag = doc.conditional && doc.response ? { headers: { ETag: { schema: { type: 'string' } } } } : {};
  const responses: Record<string, unknown> = {
    [success]: doc.response
      ? {
          description: doc.stream ? `${doc.summary}: ${doc.stream}` : doc.summary,
          ...etag,
          content: {
            [doc.stream ? 'text/event-stream' : 'application/json']: { schema: jsonSchema(doc.response, 'output') },
          },
        }
      : doc.responseMediaType
        ? {
            description: doc.summary,
            content: { [doc.responseMediaType]: { schema: fileSchema(doc.responseMediaType) } },
          }
        : { description: doc.summary },
    ...(doc.conditional === 'read' ? { 304: { description: 'Not modified: the If-None-Match ETag is current' } } : {}),
  };
  const codes: string[] = [...(doc.errors ?? [])];
  if (parameters.length || body) codes.push('VALIDATION_FAILED');
  if (!doc.public) codes.push(...options.authErrors, ...options.platformErrors);
  const byStatus = new Map<number, Set<string>>();
  const add = (status: number, code: string) => byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  for (const code of codes) add(options.statuses[code as ErrorCode] ?? 500, code);
  if (body) for (const status of [400, 413, 415]) add(status, HTTP_PROBLEM_CODES[status]!);
  if (doc.requestMediaType) add(415, HTTP_PROBLEM_CODES[415]!);
  for (const [status, set] of [...byStatus].sort(([a], [b]) => a - b))
    responses[status] = problemResponse(status, [...set].sort());

  return {
    operationId: `${lowerFirst(controller.name.replace(/Controller$/, ''))}${upperFirst(name)}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body, 'input') } } } }
      : {}),
    ...(doc.requestMediaType
      ? {
          requestBody: {
            required: true,
            content: { [doc.requestMediaType]: { schema: fileSchema(doc.requestMediaType) } },
          },
        }
      : {}),
    responses,
    ...(doc.public ? { security: [] } : { security: [{ bearer: [] }] }),
  };
}

/** Each property of a query object is one `in: query` parameter. */
function queryParameters(schema: z.ZodType): JsonSchema[] {
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

/** A body that is a file, not JSON (OpenAPI 3.1: a string of that media type). */
const fileSchema = (mediaType: string): JsonSchema => ({ type: 'string', contentMediaType: mediaType });

function jsonSchema(schema: z.ZodType | undefined, io: 'input' | 'output'): JsonSchema {
  if (!schema) return { type: 'string' };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function problemResponse(status: number, codes: string[]): unknown {
  const schema = { allOf: [PROBLEM_REF, { properties: { status: { const: status }, code: { enum: codes } } }] };
  return {
    description: `${codes.join(', ')}`,
    ...(status === 503
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } }
      : status === 405
        ? { headers: { Allow: { schema: { type: 'string' } } } }
        : {}),
    content: { 'application/problem+json': { schema, example: { status, code: codes[0] } } },
  };
}

function problemSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'RFC 9457 problem details; `code` is stable, `detail` is for people.',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      code: { type: 'string' },
      requestId: { type: 'string', description: 'The X-Request-Id of the request, to quote when reporting it' },
      errors: {
        type: 'array',
        description: 'One entry per invalid field',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  };
}

/** `v1/employees` + `:id` → `/v1/employees/{id}`. */
function openApiPath(base: string, path: string): string {
  const joined = `/${[base, path].filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
