import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles } from '#auth-kit';
import { UpdatePreferencesDto, UpsertCategoryDto } from './dtos/preferences.dto.js';
import { GetPreferencesUseCase } from './usecases/get-preferences/get-preferences.usecase.js';
import { ListCategoriesUseCase } from './usecases/list-categories/list-categories.usecase.js';
import { UpdatePreferencesUseCase } from './usecases/update-preferences/update-preferences.usecase.js';
import { UpsertCategoryUseCase } from './usecases/upsert-category/upsert-category.usecase.js';

/** A user's own preferences: user credentials only (API keys act for no user). */
@ApiTags('preferences')
@ApiBearerAuth(SECURITY.bearer)
@Roles(Role.User, Role.Organizer, Role.Admin)
@Controller('notify/v1/preferences')
export class PreferencesController {
  constructor(
    private readonly getPreferences: GetPreferencesUseCase,
    private readonly updatePreferences: UpdatePreferencesUseCase,
    private readonly listCategories: ListCategoriesUseCase,
    private readonly saveCategory: UpsertCategoryUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your notification preferences' })
  get(@CurrentUser() p: Principal) {
    return this.getPreferences.execute(p);
  }

  @Put()
  @ApiOperation({ summary: 'Change your preferences (merged; required categories cannot be turned off)' })
  put(@CurrentUser() p: Principal, @Body() dto: UpdatePreferencesDto) {
    return this.updatePreferences.execute(p, dto);
  }

  @Get('categories')
  @ApiOperation({ summary: "The tenant's categories and which are required" })
  categories(@CurrentUser() p: Principal) {
    return this.listCategories.execute(p);
  }

  @Put('categories/:key')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Mark a category as required or optional (admin)' })
  upsertCategory(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: UpsertCategoryDto) {
    return this.saveCategory.execute(p, key, dto);
  }
}
