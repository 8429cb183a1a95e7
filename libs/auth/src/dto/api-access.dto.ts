import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ApiTime, ChargerIdentity, PageLimit, PageOffset, PlainText, ROLES, type Role } from '#csms/http';

export class CreateApiTokenDto {
  /** Shown in the audit log as the actor. */
  @ApiProperty({ description: 'Shown in the audit log as the actor; unique among active tokens', example: 'grafana' })
  @PlainText(100)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}

export class ApiTokenIdPath {
  @ApiProperty({ format: 'uuid', description: 'The id of an API token' })
  @IsUUID('4', { message: 'id must be the id of an API token (a UUID)' })
  id!: string;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Requests about this charger' })
  @IsOptional()
  @ChargerIdentity()
  chargerId?: string;

  @ApiPropertyOptional({ description: 'Token name or OIDC subject' })
  @IsOptional()
  @PlainText(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'At or after this time' })
  @IsOptional()
  @ApiTime()
  from?: string;

  @ApiPropertyOptional({ description: 'At or before this time' })
  @IsOptional()
  @ApiTime()
  to?: string;

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}
