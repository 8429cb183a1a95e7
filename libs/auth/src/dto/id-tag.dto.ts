import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ID_TAG_STATUSES, type IdTagStatus } from '../entities/auth-id-tag.entity.js';

/** The fields of an idTag other than the tag itself (PUT body). IdToken is CiString20. */
export class IdTagFieldsDto {
  @IsIn(ID_TAG_STATUSES)
  status!: IdTagStatus;

  @IsOptional()
  @IsISO8601({ strict: true })
  expiryDate?: string;

  @IsOptional()
  @IsString()
  @Length(1, 20)
  parentIdTag?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  group?: string;
}

export class CreateIdTagDto extends IdTagFieldsDto {
  @IsString()
  @Length(1, 20)
  idTag!: string;
}

export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class IdTagListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  group?: string;
}
