import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiTime, PageLimit, PageOffset, WholeNumber } from '#csms/http';

/** POST /api/v1/chargers/:id/diagnostics: the GetDiagnostics fields but the location, which is the CSMS's own. */
export class DiagnosticsBody {
  @IsOptional()
  @ApiTime()
  startTime?: string;

  @IsOptional()
  @ApiTime()
  stopTime?: string;

  @IsOptional()
  @WholeNumber(0, 100)
  retries?: number;

  @IsOptional()
  @WholeNumber(0, 86_400)
  retryInterval?: number;
}

/** POST /api/v1/chargers/:id/logs: GetLog (security extension) without requestId and remoteLocation, which the CSMS sets. */
export class LogBody extends DiagnosticsBody {
  @ApiProperty({ enum: ['DiagnosticsLog', 'SecurityLog'] })
  @IsIn(['DiagnosticsLog', 'SecurityLog'])
  logType!: 'DiagnosticsLog' | 'SecurityLog';
}

export class DiagnosticsPageQuery {
  @PageLimit(200)
  limit?: number;

  @PageOffset()
  offset?: number;
}
