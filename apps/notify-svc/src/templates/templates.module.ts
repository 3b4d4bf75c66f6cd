import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TemplatesCoreModule } from './templates-core.module.js';
import { TemplatesController } from './templates.controller.js';
import { CreateTemplateUseCase } from './usecases/create-template/create-template.usecase.js';
import { DeleteTemplateUseCase } from './usecases/delete-template/delete-template.usecase.js';
import { GetTemplateUseCase } from './usecases/get-template/get-template.usecase.js';
import { ListTemplateVersionsUseCase } from './usecases/list-template-versions/list-template-versions.usecase.js';
import { ListTemplatesUseCase } from './usecases/list-templates/list-templates.usecase.js';
import { UpdateTemplateUseCase } from './usecases/update-template/update-template.usecase.js';
import { PreviewTemplateUseCase } from './usecases/preview-template/preview-template.usecase.js';
import { TestSendTemplateUseCase } from './usecases/test-send-template/test-send-template.usecase.js';

@Module({
  imports: [TemplatesCoreModule, DeliveriesModule],
  controllers: [TemplatesController],
  providers: [
    CreateTemplateUseCase,
    ListTemplatesUseCase,
    GetTemplateUseCase,
    ListTemplateVersionsUseCase,
    UpdateTemplateUseCase,
    DeleteTemplateUseCase,
    PreviewTemplateUseCase,
    TestSendTemplateUseCase,
  ],
})
export class TemplatesModule {}
