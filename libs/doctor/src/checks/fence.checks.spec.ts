import { describe, expect, it } from 'vitest';
import type { DatabaseCatalog, FenceRow } from '../catalog.types';
import { fenceFindings } from './fence.checks';

const catalogWith = (fence: FenceRow | null): DatabaseCatalog => ({
  schemas: [],
  tenantTables: [],
  policies: [],
  owned: [],
  metaPrivileges: [],
  securityDefiners: [],
  unsafeViews: [],
  schemaReferences: [],
  fence,
  controlPlaneWrites: [],
});
const targetOf = () => 'shared:primary/db';

describe('fence checks', () => {
  it('accept a fence the application role can read but not change', () => {
    expect(fenceFindings(catalogWith({ present: true, appCanRead: true, appWrites: [] }), targetOf)).toEqual([]);
  });

  it('report a missing fence, and one the application role cannot read', () => {
    const missing = fenceFindings(catalogWith({ present: false, appCanRead: false, appWrites: [] }), targetOf);
    const unreadable = fenceFindings(catalogWith({ present: true, appCanRead: false, appWrites: [] }), targetOf);
    expect(missing.map((f) => [f.code, f.severity])).toEqual([['READ_FENCE_MISSING', 'error']]);
    expect(unreadable[0]).toMatchObject({ code: 'READ_FENCE_MISSING', message: expect.stringMatching(/cannot read/) });
  });

  it('report a fence the application role could lift', () => {
    const findings = fenceFindings(catalogWith({ present: true, appCanRead: true, appWrites: ['DELETE'] }), targetOf);
    expect(findings).toMatchObject([{ code: 'READ_FENCE_WRITABLE', message: expect.stringMatching(/DELETE/) }]);
  });

  it('say nothing about a database that holds no tenant data', () => {
    expect(fenceFindings(catalogWith(null), targetOf)).toEqual([]);
  });
});
