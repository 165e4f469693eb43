import { Module } from '@nestjs/common';
import { MigrationRunner } from './migration-runner';

/** Needs ControlPlaneModule (global) for the ledger. */
@Module({ providers: [MigrationRunner], exports: [MigrationRunner] })
export class MigrationsModule {}
