import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '#common';
import { TenantDto } from '../../dtos/tenant.dto.js';
import { Tenant } from '../../tenant.entity.js';

@Injectable()
export class GetTenantUseCase {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  async execute(tenantId: string): Promise<TenantDto> {
    const tenant = await this.tenants.findOne({ where: { id: tenantId } });
    if (!tenant) throw AppException.notFound('Tenant');
    return TenantDto.from(tenant);
  }
}
