import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import { ApiDoc, ifMatchPrecondition, taggedResponse, ZodValidationPipe, type SerializedJson } from '@switchyard/http';
import { EmployeesService, type Employee, type Page } from '@switchyard/tenant-data';
import type { Response } from 'express';
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
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Add an employee',
    response: employeeResponse,
    errors: ['EMAIL_TAKEN', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
    headers: [IDEMPOTENCY_KEY_DOC],
  })
  create(
    @Body(new ZodValidationPipe(createEmployeeBody, 'body')) body: z.infer<typeof createEmployeeBody>,
  ): Promise<Employee> {
    return this.employees.create(body);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Read an employee (with its ETag; If-None-Match answers 304 when unchanged)',
    response: employeeResponse,
    errors: ['EMPLOYEE_NOT_FOUND'],
    conditional: 'read',
  })
  async get(
    @Param('id', idPipe) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SerializedJson<Employee> | undefined> {
    return taggedResponse(response, await this.employees.get(id), ifNoneMatch);
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Change an employee’s email or name (If-Match: only if unchanged since read)',
    response: employeeResponse,
    errors: ['EMPLOYEE_NOT_FOUND', 'EMAIL_TAKEN', 'PRECONDITION_FAILED'],
    conditional: 'write',
  })
  async update(
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(updateEmployeeBody, 'body')) body: z.infer<typeof updateEmployeeBody>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SerializedJson<Employee> | undefined> {
    return taggedResponse(response, await this.employees.update(id, body, ifMatchPrecondition(ifMatch)), undefined);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Remove an employee and their wellness entries (If-Match: only if unchanged since read)',
    errors: ['EMPLOYEE_NOT_FOUND', 'PRECONDITION_FAILED'],
    conditional: 'write',
  })
  delete(@Param('id', idPipe) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    return this.employees.delete(id, ifMatchPrecondition(ifMatch));
  }
}
