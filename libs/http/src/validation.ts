import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ApiFieldError } from './service-reply.js';

function flatten(errors: ValidationError[], parent = ''): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) out.push({ field, rule, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** The API's one validation pipe: 400 with every bad field, its rule and a sentence; unknown fields refused. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new BadRequestException({ error: 'validation_failed', message: list.map((e) => `${e.field}: ${e.message}`).join('; '), errors: list });
    },
  });
}
