import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { JobQueue } from '../../../jobs/job-queue.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { checkCsv } from '../../contact-import-csv.js';
import { ContactImportsRepository } from '../../contact-imports.repository.js';
import { toImportView } from '../../dtos/contact-import.view.js';

/**
 * The CSV upload: checks the header and counts the rows (streamed through csv-parse), then stores
 * the file, the import record and its job in one transaction with the Idempotency-Key record (202).
 * RunContactImportUseCase does the rest.
 */
@Injectable()
export class StartContactImportUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly imports: ContactImportsRepository,
    private readonly queue: JobQueue,
  ) {}

  async execute(p: Principal, body: unknown) {
    const { csv, columns, total } = await checkCsv(body);
    const id = randomUUID();
    const row = await this.uow.tenant(p.tenantId!, async (tx) => {
      const r = await this.imports.insert(tx, id, { source: csv, columns, totalRows: total }, actorOf(p));
      await this.queue.enqueueContactImport(tx, id);
      return r;
    });
    return toImportView(row);
  }
}
