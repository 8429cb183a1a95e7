import { applyDecorators } from '@nestjs/common';
import { ApiNoContentResponse, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';

/**
 * A few words to write the OpenAPI schema of what a handler returns. The handlers return TypeScript
 * interfaces, which leave nothing at run time for @nestjs/swagger to read (no CLI plugin in a tsc build),
 * so each route states its answer with these next to its handler.
 */
export const S = {
  str: { type: 'string' } as SchemaObject,
  int: { type: 'integer' } as SchemaObject,
  num: { type: 'number' } as SchemaObject,
  bool: { type: 'boolean' } as SchemaObject,
  time: { type: 'string', format: 'date-time' } as SchemaObject,
  /** Any JSON value (an OCPP payload, a stored message). */
  any: {} as SchemaObject,
  enum: (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] }),
  nullable: (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true }),
  arr: (items: SchemaObject): SchemaObject => ({ type: 'array', items }),
  /** A map from text keys to `values`. */
  map: (values: SchemaObject): SchemaObject => ({ type: 'object', additionalProperties: values }),
  /** An object: every property required except those named in `optional`. */
  obj: (properties: Record<string, SchemaObject>, optional: string[] = []): SchemaObject => ({
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
  }),
  /** A page: `{ items, total, limit, offset }`. */
  page: (item: SchemaObject, extra: Record<string, SchemaObject> = {}, optional: string[] = []): SchemaObject =>
    S.obj({ items: S.arr(item), total: S.int, limit: S.int, offset: S.int, ...extra }, optional),
};

/** The success answer of an operation, JSON with `schema` (200 unless said). */
export function ApiOk(schema: SchemaObject, status = 200, description = 'OK'): MethodDecorator {
  return ApiResponse({ status, description, content: { 'application/json': { schema } } });
}

/** 204 without a body. */
export function ApiDone(description = 'Done, no body'): MethodDecorator {
  return ApiNoContentResponse({ description });
}

/** The success answer of a route that answers something else than JSON (CSV, the event stream, metrics). */
export function ApiOkAs(contentType: string, description: string): MethodDecorator {
  return applyDecorators(ApiProduces(contentType), ApiResponse({ status: 200, description, content: { [contentType]: { schema: { type: 'string' } } } }));
}
