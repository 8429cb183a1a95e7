import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy } from 'class-validator';

/**
 * The one set of rules for the API's query and path values (docs/reference/design-decisions.md#api-parameter-ranges:
 * `offset=1e20`, `from=0000-01-01` and
 * `/transactions/99999999999` were HTTP 500s, because the value passed the DTO and broke in PostgreSQL). Every
 * controller uses these instead of its own checks, so a value the database or JS cannot hold is a 400 naming
 * the parameter and the rule, never a 500.
 */

/** PostgreSQL `integer`: our ids (transactionId is an OCPP integer), connector ids, and every count we take. */
export const INT32_MAX = 2_147_483_647;
/** Paging: a deeper offset than any table here holds is a mistake, and int32 is what every driver carries. */
export const MAX_OFFSET = INT32_MAX;
export const DEFAULT_MAX_LIMIT = 1000;

/**
 * Times the API accepts: from the Unix epoch (chargers without a clock report 1970-01-01) to the end of year
 * 9999. PostgreSQL reads 4713 BC to 294276 AD and JS Date +-275760 years, but they disagree on years before 1
 * (there is no year 0 in PostgreSQL) and on 5+ digit years; within this range both read a time the same.
 */
export const EARLIEST_TIME_MS = Date.UTC(1970, 0, 1);
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Charge point identity: CiString48 in practice; no ':' (the Basic Auth user-id, RFC 7617 §2) and no CTL. */
export const CHARGER_IDENTITY = /^[^:\x00-\x1f\x7f]+$/;
const NO_CTL = /^[^\x00-\x1f\x7f]+$/;

/**
 * Query strings are text: only plain decimal digits (an optional leading '-') become a number. '1e3', '0x10',
 * '5.0', ' 5', '', 'NaN' and 'Infinity' stay text and fail isInt, instead of Number() quietly reading them.
 */
function toWholeNumber({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
}

/** A whole number in [min, max], written in decimal digits when it comes from a query string or a path. */
export function WholeNumber(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    // The OpenAPI document's view of the same rule (no `required`: the DTO says whether it is optional).
    ApiProperty({ type: 'integer', minimum: min, maximum: max, required: undefined }),
    Transform(toWholeNumber),
    IsInt({ message: '$property must be a whole number in decimal digits (no sign but -, fraction, exponent, NaN or Infinity)' }),
    Min(min, { message: `$property must not be less than ${min}` }),
    Max(max, { message: `$property must not be greater than ${max}` }),
  );
}

/** `limit` of a page: 1 to `max` (default 1000); absent: the route's default. */
export function PageLimit(max = DEFAULT_MAX_LIMIT): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description: `Page size, 1 to ${max}` }), IsOptional(), WholeNumber(1, max));
}

/** `offset` of a page: 0 to MAX_OFFSET; absent: 0. */
export function PageOffset(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description: 'Items to skip (default 0)' }), IsOptional(), WholeNumber(0, MAX_OFFSET));
}

/** A database id or connector id: 1 (or `min`) to int32. */
export function Int32Id(min = 1): PropertyDecorator {
  return WholeNumber(min, INT32_MAX);
}

/** An ISO 8601 time that both JS and PostgreSQL read the same: from 1970-01-01 to 9999-12-31T23:59:59.999Z. */
export function ApiTime(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'string', format: 'date-time', description: 'ISO 8601, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z', required: undefined }),
    IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date or time (e.g. 2025-03-01T10:00:00Z)' }),
    ValidateBy({
      name: 'timeRange',
      validator: {
        validate: (value: unknown) => {
          const t = typeof value === 'string' ? Date.parse(value) : NaN;
          return t >= EARLIEST_TIME_MS && t <= LATEST_TIME_MS;
        },
        defaultMessage: () => '$property must be a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z',
      },
    }),
  );
}

/** A charge point identity in a path or query: 1 to 48 characters, no ':' and no control characters. */
export function ChargerIdentity(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'string', minLength: 1, maxLength: 48, pattern: CHARGER_IDENTITY.source, description: 'Charge point identity', required: undefined }),
    IsString(),
    Length(1, 48, { message: '$property must be 1 to 48 characters (a charge point identity)' }),
    Matches(CHARGER_IDENTITY, { message: '$property must not contain ":" or control characters' }),
  );
}

/**
 * One or several charge point identities in a query, as the parameter repeated (`chargerId=A&chargerId=B`;
 * identities may hold commas, so no comma lists): each one as ChargerIdentity, at most `max` of them.
 */
export function ChargerIdentities(max: number): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: [String],
      minItems: 1,
      maxItems: max,
      description: `Charge point identities, the parameter repeated (at most ${max})`,
      required: undefined,
    }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value)),
    IsArray({ message: '$property must be one or more charge point identities' }),
    ArrayMinSize(1, { message: '$property must name at least one charger' }),
    ArrayMaxSize(max, { message: `$property may name at most ${max} chargers` }),
    IsString({ each: true, message: '$property must be text' }),
    Length(1, 48, { each: true, message: 'each $property must be 1 to 48 characters (a charge point identity)' }),
    Matches(CHARGER_IDENTITY, { each: true, message: '$property must not contain ":" or control characters' }),
  );
}

/**
 * A comma list of names from `allowed` (`types=power,security`), each at most once: the list a filter takes.
 */
export function NameList(allowed: readonly string[]): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'string', description: `Comma-separated list of: ${allowed.join(', ')}`, required: undefined }),
    IsString(),
    ValidateBy({
      name: 'isNameList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.split(',').every((n) => allowed.includes(n.trim())),
        defaultMessage: () => `$property must be a comma-separated list of ${allowed.join(', ')}`,
      },
    }),
  );
}

/** Free text in a path or query (a tag, a group, a measurand): 1 to `max` characters, no control characters. */
export function PlainText(max: number): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'string', minLength: 1, maxLength: max, required: undefined }),
    IsString(),
    Length(1, max, { message: `$property must be 1 to ${max} characters` }),
    Matches(NO_CTL, { message: '$property must not contain control characters' }),
  );
}

/** A stream sequence (an SSE event id): a whole number that JS holds exactly. */
export function StreamSequence(): PropertyDecorator {
  return WholeNumber(0, Number.MAX_SAFE_INTEGER);
}

/** `:id` of the routes under /api/v1/chargers/:id. */
export class ChargerIdPath {
  @ChargerIdentity()
  id!: string;
}
