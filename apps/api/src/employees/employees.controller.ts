import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@switchyard/http';
import { EmployeesService, type Employee, type Page } from '@switchyard/tenant-data';
import type { z } from 'zod';
import { createEmployeeBody, listEmployeesQuery, updateEmployeeBody, uuidSchema } from '../api.schemas';
import { TenantGuard } from '../tenant/tenant.guard';

const idPipe = new ZodValidationPipe(uuidSchema, 'id');

@Controller('v1/employees')
@UseGuards(TenantGuard)
export class EmployeesController {
  constructor(private readonly employees: EmployeesService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(listEmployeesQuery, 'query')) query: z.infer<typeof listEmployeesQuery>,
  ): Promise<Page<Employee>> {
    return this.employees.list(query.limit, query.cursor);
  }

  @Post()
  @HttpCode(201)
  create(
    @Body(new ZodValidationPipe(createEmployeeBody, 'body')) body: z.infer<typeof createEmployeeBody>,
  ): Promise<Employee> {
    return this.employees.create(body);
  }

  @Get(':id')
  get(@Param('id', idPipe) id: string): Promise<Employee> {
    return this.employees.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(updateEmployeeBody, 'body')) body: z.infer<typeof updateEmployeeBody>,
  ): Promise<Employee> {
    return this.employees.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', idPipe) id: string): Promise<void> {
    return this.employees.delete(id);
  }
}
