import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { PageLimit, PageOffset, PlainText } from '#csms/http';
import { ID_TAG_STATUSES, type IdTagStatus } from '../id-tags.service.rows.js';

/** The fields of an idTag other than the tag itself (PUT body). IdToken is CiString20. */
export class IdTagFieldsDto {
  @ApiProperty({ enum: ID_TAG_STATUSES })
  @IsIn(ID_TAG_STATUSES)
  status!: IdTagStatus;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiryDate?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 20 })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  parentIdTag?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'The local authorization list group of this tag' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  group?: string;
}

export class CreateIdTagDto extends IdTagFieldsDto {
  @ApiProperty({ minLength: 1, maxLength: 20, description: 'OCPP IdToken (CiString20)' })
  @IsString()
  @Length(1, 20)
  idTag!: string;
}

export class PageQueryDto {
  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class IdTagListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Tags of this group' })
  @IsOptional()
  @PlainText(100)
  group?: string;
}

/** `:idTag` of /api/v1/id-tags/:idTag (IdToken is CiString20). */
export class IdTagPath {
  @PlainText(20)
  idTag!: string;
}
