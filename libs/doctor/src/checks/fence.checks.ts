import type { DatabaseCatalog } from '../catalog.types';
import { error, type Finding, type TargetOf } from '../finding';

/**
 * I5: every database the application role reads tenants from holds the read fence, which the tenant
 * context statement consults — without it, that statement fails and the database serves no tenant —
 * and the application role can read the fences but never lift one.
 */
export function fenceFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  const fence = catalog.fence;
  if (!fence) return [];
  const object = 'schema switchyard_fence';
  const target = targetOf('switchyard_fence');
  if (!fence.present || !fence.appCanRead) {
    return [
      error(
        'READ_FENCE_MISSING',
        target,
        object,
        fence.present
          ? 'the application role cannot read the read fence, so no tenant context can be set here; run `switchyard migrate`'
          : 'the read fence is missing, so no tenant context can be set here; run `switchyard migrate`',
      ),
    ];
  }
  if (fence.appWrites.length) {
    return [
      error(
        'READ_FENCE_WRITABLE',
        target,
        object,
        `the application role holds ${fence.appWrites.join(', ')} on the fences: it could lift one`,
      ),
    ];
  }
  return [];
}
