import { Module } from '@nestjs/common';
import { TenantsController } from './tenants.controller.js';
import { GetTenantUseCase } from './usecases/get-tenant/get-tenant.usecase.js';

@Module({
  controllers: [TenantsController],
  providers: [GetTenantUseCase],
})
export class TenantsModule {}
