import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { HealthController } from './health.controller.js';
import { httpMetricsMiddleware } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.js';

let defaultMetricsStarted = false;

/** /health/live, /health/ready and /metrics for any process, and the HTTP request metrics of every route. */
@Module({})
export class HealthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware).forRoutes('{*path}');
  }

  static forChecks(checks: ReadinessCheck[], serviceName: string): DynamicModule {
    if (!defaultMetricsStarted) {
      register.setDefaultLabels({ service: serviceName });
      collectDefaultMetrics();
      defaultMetricsStarted = true;
    }
    return {
      module: HealthModule,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: READINESS_CHECKS, useValue: checks }],
    };
  }
}
