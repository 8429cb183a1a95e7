import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** Body of `PUT /api/v1/chargers/:id/boot-policy`. */
export class SetBootPolicyBody {
  @ApiProperty({
    description: 'true: answer BootNotification Pending until the charger holds its desired configuration (then Accepted); false: Accepted as auth decides',
  })
  // No coercion: "true" as a string is refused, so a typo never silently switches the policy.
  @IsBoolean({ message: 'applyConfigurationBeforeAccept must be a boolean value' })
  applyConfigurationBeforeAccept!: boolean;
}
