import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tenant } from './tenant.entity.js';
import { TenantsController } from './tenants.controller.js';
import { GetTenantUseCase } from './usecases/get-tenant/get-tenant.usecase.js';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant])],
  controllers: [TenantsController],
  providers: [GetTenantUseCase],
})
export class TenantsModule {}
