import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { WEBHOOK_OPTIONS, type WebhookModuleOptions } from './options.js';
import { WebhookExceptionFilter } from './webhook-exception.filter.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({})
export class AppModule {
  /** The app with POST /webhooks, configured with `options`. */
  static register(options: WebhookModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      controllers: [WebhooksController],
      providers: [
        { provide: WEBHOOK_OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: WebhookExceptionFilter },
      ],
    };
  }
}
