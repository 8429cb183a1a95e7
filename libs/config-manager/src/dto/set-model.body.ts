import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';
import { CHARGER_MODELS, type ChargerModel } from '../registry/charger-model.js';

/** Body of `PUT /api/v1/chargers/:id/model`. */
export class SetModelBody {
  @ApiProperty({ enum: CHARGER_MODELS, nullable: true, description: 'The model override; null removes it (detected from the last BootNotification again)' })
  @ValidateIf((o: SetModelBody) => o.model !== null)
  @IsIn(CHARGER_MODELS, { message: `model must be one of ${CHARGER_MODELS.join(', ')} (or null)` })
  model!: ChargerModel | null;
}
