import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { ContactImportsRepository } from '../../contact-imports.repository.js';
import { toImportView } from '../../dtos/contact-import.view.js';

/** An import's progress and its per-row report (at most 1,000 errors kept; errorsTruncated beyond). */
@Injectable()
export class GetContactImportUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly imports: ContactImportsRepository,
  ) {}

  async execute(p: Principal, id: string) {
    const row = isUuid(id) ? await this.uow.tenant(p.tenantId!, (tx) => this.imports.find(tx, id), { readOnly: true }) : undefined;
    if (!row) throw AppException.notFound('Import');
    return toImportView(row);
  }
}
