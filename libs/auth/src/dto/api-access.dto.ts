import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ApiTime, ChargerIdentity, PageLimit, PageOffset, PlainText, ROLES, type Role } from '#csms/http';

export class CreateApiTokenDto {
  /** Shown in the audit log as the actor. */
  @PlainText(100)
  name!: string;

  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}

export class ApiTokenIdPath {
  @IsUUID('4', { message: 'id must be the id of an API token (a UUID)' })
  id!: string;
}

export class AuditQueryDto {
  @IsOptional()
  @ChargerIdentity()
  chargerId?: string;

  @IsOptional()
  @PlainText(200)
  actor?: string;

  @IsOptional()
  @ApiTime()
  from?: string;

  @IsOptional()
  @ApiTime()
  to?: string;

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}
