import { at } from './elements';
import type { Harness } from './harness';

export interface LoadModel {
  /** id → fullName of every employee whose creation (and last rename) was acknowledged. */
  alive: Map<string, string>;
  deleted: Set<string>;
  errors: string[];
  acknowledged: number;
}

/**
 * Concurrent writers (create, rename, delete — each on its own rows) and readers for one tenant through
 * the tenant API, recording every acknowledged write, until `stop()` resolves. Any non-2xx answer is an
 * error a client would have seen.
 */
export function startLoad(
  h: Harness,
  tenantId: string,
  options: { writers?: number; readers?: number; request?: Harness['apiRequest']; label?: string } = {},
) {
  const label = options.label ?? `load-${Math.random().toString(36).slice(2, 8)}`;
  const model: LoadModel = { alive: new Map(), deleted: new Set(), errors: [], acknowledged: 0 };
  const auth = { Authorization: `Bearer ${h.tokenFor(tenantId)}` };
  const api = options.request ?? h.apiRequest;
  let running = true;
  const check = (what: string, res: { status: number; text?: string }, ok: number[]) => {
    if (!ok.includes(res.status)) model.errors.push(`${what}: ${res.status} ${res.text?.slice(0, 200)}`);
    return ok.includes(res.status);
  };
  const writer = async (w: number) => {
    const mine: string[] = [];
    for (let i = 0; running; i++) {
      const roll = i % 5;
      if (roll < 3 || mine.length < 2) {
        const fullName = `w${w}-${i}`;
        const res = await api()
          .post('/v1/employees')
          .set(auth)
          .send({ email: `${label}-w${w}-${i}@load.io`, fullName });
        if (check('create', res, [201])) {
          mine.push(res.body.id);
          model.alive.set(res.body.id, fullName);
          model.acknowledged++;
        }
      } else if (roll === 3) {
        const id = at(mine, i % mine.length, 'own employee');
        const fullName = `renamed-${w}-${i}`;
        const res = await api().patch(`/v1/employees/${id}`).set(auth).send({ fullName });
        if (check('rename', res, [200])) {
          model.alive.set(id, fullName);
          model.acknowledged++;
        }
      } else {
        const id = mine.shift()!;
        const res = await api().delete(`/v1/employees/${id}`).set(auth);
        if (check('delete', res, [204])) {
          model.alive.delete(id);
          model.deleted.add(id);
          model.acknowledged++;
        }
      }
    }
  };
  const reader = async () => {
    while (running) {
      check('list', await api().get('/v1/employees?limit=50').set(auth), [200]);
      check('summary', await api().get('/v1/wellness-summary').set(auth), [200]);
    }
  };
  const loops = [
    ...Array.from({ length: options.writers ?? 3 }, (_, w) => writer(w)),
    ...Array.from({ length: options.readers ?? 1 }, () => reader()),
  ];
  return {
    model,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return model;
    },
  };
}

/** Every employee of the tenant through the API (all pages): id → fullName. */
export async function listAll(
  h: Harness,
  tenantId: string,
  request: Harness['apiRequest'] = h.apiRequest,
): Promise<Map<string, string>> {
  const auth = { Authorization: `Bearer ${h.tokenFor(tenantId)}` };
  const all = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const res: { status: number; text: string; body: { items: unknown[]; nextCursor: string | null } } = await request()
      .get(`/v1/employees?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
      .set(auth);
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.text}`);
    for (const e of res.body.items as { id: string; fullName: string }[]) {
      if (all.has(e.id)) throw new Error(`employee ${e.id} listed twice`);
      all.set(e.id, e.fullName);
    }
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}
