// The public door of @switchyard/break-glass: audited, read-only operator queries in a tenant's context.
export { BreakGlassModule } from './break-glass.module';
export { BREAK_GLASS_ACTION, BreakGlassService } from './break-glass.service';
export {
  BREAK_GLASS_MAX_STATEMENT,
  BREAK_GLASS_ROW_LIMIT,
  breakGlassQueryBody,
  breakGlassQueryResult,
  breakGlassTenantRef,
} from './break-glass.schemas';
export type { BreakGlassQueryInput, BreakGlassQueryResult } from './break-glass.schemas';
export { readStatement } from './read-statement';
export type { ReadStatement } from './read-statement';
