import 'reflect-metadata';
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiProperty, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { ChargerIdPath, PageLimit, PageOffset } from '../api-params.js';
import { ApiErrors, ApiV1 } from './api-docs.js';
import { ApiDone, ApiOk, ApiOkAs, S } from './response-schema.js';

class PageQuery {
  @PageLimit(500) limit?: number;
  @PageOffset() offset?: number;
}

class NoteBody {
  @ApiProperty({ maxLength: 10 })
  @IsString()
  text!: string;
}

@ApiV1()
@Controller('api/v1/things')
class ThingsController {
  @Get(':id')
  @ApiOk(S.obj({ id: S.str, note: S.nullable(S.str), tags: S.arr(S.str) }, ['tags']))
  @ApiErrors([400, 404], { 404: 'No such thing' })
  get(@Param() { id }: ChargerIdPath, @Query() _q: PageQuery): { id: string } {
    return { id };
  }

  @Post(':id/note')
  @ApiDone()
  @ApiErrors([400])
  note(@Param() _p: ChargerIdPath, @Body() _b: NoteBody): void {}

  @Get(':id/csv')
  @ApiOkAs('text/csv', 'A CSV file')
  csv(): string {
    return '';
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('OpenAPI decorators (ApiV1, ApiErrors, ApiOk, the api-params rules)', () => {
  let doc: OpenAPIObject;

  beforeAll(async () => {
    const app = await NestFactory.create(ThingsModule, { logger: false });
    doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    await app.close();
  });

  const op = (path: string, method: 'get' | 'post') => doc.paths[path][method]!;
  const apiError = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };

  test('ApiV1: bearer security, 401/403/503/504 as the ApiError component, declared once', () => {
    const get = op('/api/v1/things/{id}', 'get');
    expect(get.security).toEqual([{ bearer: [] }]);
    for (const status of ['401', '403', '503', '504', '400']) expect(get.responses[status]).toMatchObject(apiError);
    expect(get.responses['404']).toMatchObject({ description: 'No such thing', ...apiError });
    expect(doc.components?.schemas?.ApiError).toMatchObject({
      required: ['error', 'message'],
      properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/ApiFieldError' } } },
    });
    expect(doc.components?.schemas?.ApiFieldError).toMatchObject({ required: ['rule', 'message'] });
  });

  test('api-params rules describe the parameters: the identity pattern, optional page limits with their range', () => {
    const params = op('/api/v1/things/{id}', 'get').parameters as Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
    expect(params.find((p) => p.name === 'id')).toMatchObject({ in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 48 } });
    expect(params.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } });
    expect(params.find((p) => p.name === 'offset')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0 } });
  });

  test('answers: JSON schema with its required properties, 204 without a body, another content type', () => {
    expect(op('/api/v1/things/{id}', 'get').responses['200']).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', required: ['id', 'note'], properties: { note: { type: 'string', nullable: true } } } } },
    });
    const note = op('/api/v1/things/{id}/note', 'post');
    expect(note.responses['204']).toBeDefined();
    expect(note.responses['204']).not.toHaveProperty('content');
    expect(note.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/NoteBody' } } } });
    expect(Object.keys((op('/api/v1/things/{id}/csv', 'get').responses['200'] as { content: object }).content)).toEqual(['text/csv']);
  });
});
