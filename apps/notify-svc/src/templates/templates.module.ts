import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TemplatesCoreModule } from './templates-core.module.js';
import { TemplatesController } from './templates.controller.js';
import { ManageTemplatesUseCase } from './usecases/manage-templates/manage-templates.usecase.js';
import { PreviewTemplateUseCase } from './usecases/preview-template/preview-template.usecase.js';
import { TestSendTemplateUseCase } from './usecases/test-send-template/test-send-template.usecase.js';

@Module({
  imports: [TemplatesCoreModule, DeliveriesModule],
  controllers: [TemplatesController],
  providers: [ManageTemplatesUseCase, PreviewTemplateUseCase, TestSendTemplateUseCase],
})
export class TemplatesModule {}
