import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import { SuppressionsRepository } from '../../suppressions.repository.js';

/** Lifts a suppression; a user lifts only their own (another's is answered as not found). */
@Injectable()
export class DeleteSuppressionUseCase {
  constructor(private readonly suppressions: SuppressionsRepository) {}

  async execute(p: Principal, id: string): Promise<{ deleted: true }> {
    if (!isUuid(id) || !(await this.suppressions.remove(p.tenantId!, id, seesWholeTenant(p) ? undefined : p.userId!))) {
      throw AppException.notFound('Suppression');
    }
    return { deleted: true };
  }
}
