import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiParam, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { CHARGER_IDENTITY } from '../api-params.js';

/**
 * The OpenAPI description of the API's one error shape (errors/api-error.ts, service-reply.ts) and the
 * decorators every /api/v1 controller uses to reference it. Our build is plain tsc, so the @nestjs/swagger
 * CLI plugin cannot read the types: these classes exist only for the document.
 */
@ApiSchema({ name: 'ApiFieldError', description: 'One refused field: which field (or configuration key), which rule, why' })
export class ApiFieldErrorDoc {
  @ApiPropertyOptional({ description: 'The refused field (body, query or path), dotted for nested fields' })
  field?: string;

  @ApiPropertyOptional({ description: 'The configuration key, where a configuration value was refused' })
  key?: string;

  @ApiPropertyOptional({ description: 'The refused value, where it helps' })
  value?: unknown;

  @ApiProperty({ description: 'The rule it broke, e.g. isInt, max, ocpp.schema', example: 'isInt' })
  rule!: string;

  @ApiProperty({ example: 'limit must be a whole number in decimal digits' })
  message!: string;
}

@ApiSchema({ name: 'ApiError', description: 'The one body of every 4xx/5xx answer; some errors add fields (model, outcome, code)' })
export class ApiErrorDoc {
  @ApiProperty({ description: 'A stable machine-readable code', example: 'validation_failed' })
  error!: string;

  @ApiProperty({ description: 'What went wrong, for a person', example: 'Validation failed' })
  message!: string;

  @ApiPropertyOptional({ type: [ApiFieldErrorDoc], description: 'Per-field refusals (validation)' })
  errors?: ApiFieldErrorDoc[];
}

/** Error statuses the API answers, each described once. */
const ERROR_DESCRIPTIONS = {
  400: 'Bad input: the errors name the field and the rule',
  401: 'No token, or a bad or expired one (WWW-Authenticate: Bearer)',
  403: "The caller's role may not do this",
  404: 'Not found',
  409: 'Conflicts with the current state',
  422: 'Well-formed but refused (e.g. not supported by the charger model)',
  424: 'Sent to the charger, then the connection closed before an answer: outcome unknown',
  429: 'Too many requests',
  502: 'The charger answered with a CALLERROR',
  503: 'A service that answers this is not running',
  504: 'A service, or the charger, did not answer in time',
} as const;
export type ApiErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** Error responses of an operation, each with the ApiError schema; `descriptions` overrides per status. */
export function ApiErrors(statuses: ApiErrorStatus[], descriptions: Partial<Record<ApiErrorStatus, string>> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ApiErrorDoc, ApiFieldErrorDoc),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: descriptions[status] ?? ERROR_DESCRIPTIONS[status],
        content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorDoc) } } },
      }),
    ),
  );
}

/**
 * On every /api/v1 controller: a bearer token (API token or OIDC), 401 and 403 in the error shape, and
 * 503/504 where the gateway asks a service over the bus (call-service.ts).
 */
export function ApiV1(options: { asksServices?: boolean } = {}): ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiErrors(options.asksServices === false ? [401, 403] : [401, 403, 503, 504]));
}

/** `{id}` of /api/v1/chargers/{id}: a charge point identity (api-params.ts ChargerIdentity). */
export function ApiChargerIdParam(name = 'id'): MethodDecorator & ClassDecorator {
  return ApiParam({ name, description: 'Charge point identity', schema: { type: 'string', minLength: 1, maxLength: 48, pattern: CHARGER_IDENTITY.source } });
}

/** A path parameter of free text (a tag, a group, a model), as api-params.ts PlainText(max). */
export function ApiTextParam(name: string, max: number, description?: string): MethodDecorator & ClassDecorator {
  return ApiParam({ name, description, schema: { type: 'string', minLength: 1, maxLength: max } });
}

/** A path parameter of a whole number in [min, max], as api-params.ts WholeNumber. */
export function ApiNumberParam(name: string, min: number, max: number, description?: string): MethodDecorator & ClassDecorator {
  return ApiParam({ name, description, schema: { type: 'integer', minimum: min, maximum: max } });
}
