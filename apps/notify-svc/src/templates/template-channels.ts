import { AppException } from '#common';
import type { TemplateChannelsDto } from './dtos/template.dto.js';
import type { TemplateRenderer } from './template-renderer.js';

/** A template's channel contents checked (400 naming the channel): email needs text or html; each compiles. */
export async function checkTemplateChannels(renderer: TemplateRenderer, channels: TemplateChannelsDto, requireOne: boolean): Promise<void> {
  const entries = Object.entries(channels).filter(([, v]) => v !== undefined && v !== null) as Array<[string, Record<string, unknown>]>;
  if (requireOne && !entries.length)
    throw AppException.validation('A template needs at least one channel', [
      { field: 'channels', messages: ['at least one channel is required'] },
    ]);
  if (channels.email && !channels.email.text && !channels.email.html) {
    throw AppException.validation('Email content needs text or html', [
      { field: 'channels.email', messages: ['text or html is required'] },
    ]);
  }
  for (const [name, content] of entries) await renderer.validate(content, `channels.${name}`);
}

/** DTO instances to plain JSON without undefined members. */
export function plainChannels(c: TemplateChannelsDto): Record<string, Record<string, string>> {
  return JSON.parse(JSON.stringify(c)) as Record<string, Record<string, string>>;
}
