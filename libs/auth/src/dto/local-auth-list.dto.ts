import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';

/** PUT /api/v1/chargers/:id/local-auth-list: the idTag group whose tags make the charger's list; null: no list. */
export class SetLocalAuthListGroupDto {
  @ApiProperty({
    type: 'string',
    nullable: true,
    minLength: 1,
    maxLength: 100,
    description: "The idTag group whose tags make the charger's list; null: no list",
  })
  @ValidateIf((o: SetLocalAuthListGroupDto) => o.group !== null)
  @IsString()
  @Length(1, 100)
  group!: string | null;
}
