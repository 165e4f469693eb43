import type { DatabaseCatalog } from '../catalog.types';
import { error, type Finding, type TargetOf } from '../finding';

/**
 * I3: objects inside a tenant schema reference only that schema. A foreign key, view, default or
 * function reaching into another schema ties the tenant to it: a move or an offboarding would break
 * or drag it along, and a view could read another tenant's rows.
 */
export function schemaReferenceFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  return catalog.schemaReferences.map((ref) =>
    ref.foreignKey
      ? error(
          'CROSS_SCHEMA_FOREIGN_KEY',
          targetOf(ref.schema),
          ref.dependent,
          `foreign key pointing outside the tenant schema, to ${ref.referenced}`,
        )
      : error(
          'CROSS_SCHEMA_REFERENCE',
          targetOf(ref.schema),
          ref.dependent,
          `depends on ${ref.referenced}, outside the tenant schema`,
        ),
  );
}
