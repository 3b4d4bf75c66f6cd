import { toIsoTimestamp, type IsoDates } from '#common';
import type { TemplateRow, TemplateVersionRow } from '../templates.repository.js';

export function toTemplateView(r: TemplateRow | IsoDates<TemplateRow>) {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    channels: r.channels,
    version: r.version,
    createdBy: r.created_by,
    createdAt: toIsoTimestamp(r.created_at)!,
    updatedAt: toIsoTimestamp(r.updated_at)!,
  };
}

export function toTemplateVersionView(r: TemplateVersionRow) {
  return {
    version: r.version,
    name: r.name,
    description: r.description,
    channels: r.channels,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
