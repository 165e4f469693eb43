import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import { EmployeesService, type Employee, type Page } from '@switchyard/tenant-data';
import type { z } from 'zod';
import {
  createEmployeeBody,
  employeeResponse,
  listEmployeesQuery,
  pageOf,
  updateEmployeeBody,
  uuidSchema,
} from '../api.schemas';
import { TenantGuard } from '../tenant/tenant.guard';

const idPipe = new ZodValidationPipe(uuidSchema, 'id');

@Controller('v1/employees')
@UseGuards(TenantGuard)
export class EmployeesController {
  constructor(private readonly employees: EmployeesService) {}

  @Get()
  @ApiDoc({ summary: 'List employees, oldest first, a page at a time', response: pageOf(employeeResponse) })
  list(
    @Query(new ZodValidationPipe(listEmployeesQuery, 'query')) query: z.infer<typeof listEmployeesQuery>,
  ): Promise<Page<Employee>> {
    return this.employees.list(query.limit, query.cursor);
  }

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'Add an employee', response: employeeResponse, errors: ['EMAIL_TAKEN'] })
  create(
    @Body(new ZodValidationPipe(createEmployeeBody, 'body')) body: z.infer<typeof createEmployeeBody>,
  ): Promise<Employee> {
    return this.employees.create(body);
  }

  @Get(':id')
  @ApiDoc({ summary: 'Read an employee', response: employeeResponse, errors: ['EMPLOYEE_NOT_FOUND'] })
  get(@Param('id', idPipe) id: string): Promise<Employee> {
    return this.employees.get(id);
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Change an employee’s email or name',
    response: employeeResponse,
    errors: ['EMPLOYEE_NOT_FOUND', 'EMAIL_TAKEN'],
  })
  update(
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(updateEmployeeBody, 'body')) body: z.infer<typeof updateEmployeeBody>,
  ): Promise<Employee> {
    return this.employees.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc({ summary: 'Remove an employee and their wellness entries', errors: ['EMPLOYEE_NOT_FOUND'] })
  delete(@Param('id', idPipe) id: string): Promise<void> {
    return this.employees.delete(id);
  }
}
