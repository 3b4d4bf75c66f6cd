import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { TenantDto } from '../../dtos/tenant.dto.js';
import { Tenant } from '../../tenant.entity.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class GetTenantUseCase {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(tenantId: string): Promise<TenantDto> {
    const tenant = await this.uow.db.repo(Tenant).findOne({ where: { id: tenantId } });
    if (!tenant) throw AppException.notFound('Tenant');
    return TenantDto.from(tenant);
  }
}
