import { Module } from '@nestjs/common';
import { TemplateRenderer } from './template-renderer.js';
import { TemplatesRepository } from './templates.repository.js';

/** Storage and rendering of templates, shared by the templates API and deliveries. */
@Module({ providers: [TemplatesRepository, TemplateRenderer], exports: [TemplatesRepository, TemplateRenderer] })
export class TemplatesCoreModule {}
