import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `PUT /api/v1/groups/:name/members`: exactly these chargers are the group's members afterwards. */
export class GroupMembersBody {
  @ApiProperty({ type: [String], example: ['ZAP000001', 'ZAP000002'] })
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(255, { each: true })
  chargerIds!: string[];
}
