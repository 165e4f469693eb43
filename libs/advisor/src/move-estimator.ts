import { Injectable } from '@nestjs/common';
import { MovesRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { TenantFootprint } from '@switchyard/provisioning';

/** How many finished moves the duration model learns from. */
const HISTORY = 50;

export interface MoveEstimate {
  rows: number;
  bytes: number;
  /** Null until this installation has finished a move. */
  expectedSeconds: number | null;
  basis: { moves: number; rowsPerSecond: number | null; fixedSeconds: number | null };
}

interface PastMove {
  rows: number;
  seconds: number;
}

/**
 * What a move of a tenant will carry (its rows and bytes now) and how long it should take, from the
 * moves this installation finished: a least-squares line of duration over rows (a fixed part — schema
 * or database creation, catch-up, cutover, verification — plus a part per row), learnt from moves to
 * the same tier when there are a few, from all moves otherwise.
 */
@Injectable()
export class MoveEstimator {
  constructor(
    private readonly footprint: TenantFootprint,
    private readonly moves: MovesRepository,
  ) {}

  async estimate(tenant: TenantRecord, toTier: Tier): Promise<MoveEstimate> {
    const [size, history] = await Promise.all([this.footprint.of(tenant), this.moves.recentDone(HISTORY)]);
    const finished = history
      .filter((m) => m.finishedAt)
      .map((m) => ({
        tier: m.toTier,
        rows: m.rowsTotal,
        seconds: (m.finishedAt!.getTime() - m.startedAt.getTime()) / 1000,
      }));
    const sameTier = finished.filter((m) => m.tier === toTier);
    const model = fit(sameTier.length >= 3 ? sameTier : finished);
    return {
      rows: size.rows,
      bytes: size.bytes,
      expectedSeconds: model ? round(model.fixed + size.rows / model.rowsPerSecond) : null,
      basis: {
        moves: model?.moves ?? 0,
        rowsPerSecond: model && Number.isFinite(model.rowsPerSecond) ? round(model.rowsPerSecond) : null,
        fixedSeconds: model ? round(model.fixed) : null,
      },
    };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** duration = fixed + rows / rowsPerSecond, both kept non-negative and finite. */
function fit(moves: PastMove[]): { fixed: number; rowsPerSecond: number; moves: number } | undefined {
  if (moves.length === 0) return undefined;
  const n = moves.length;
  const meanRows = moves.reduce((s, m) => s + m.rows, 0) / n;
  const meanSeconds = moves.reduce((s, m) => s + m.seconds, 0) / n;
  const spread = moves.reduce((s, m) => s + (m.rows - meanRows) ** 2, 0);
  const slope =
    spread > 0 ? moves.reduce((s, m) => s + (m.rows - meanRows) * (m.seconds - meanSeconds), 0) / spread : 0;
  // Without a usable slope (one size of move, or noise), assume the observed overall throughput.
  const perRow = slope > 0 ? slope : meanRows > 0 ? meanSeconds / meanRows / 2 : 0;
  const fixed = Math.max(0, meanSeconds - perRow * meanRows);
  return { fixed, rowsPerSecond: perRow > 0 ? 1 / perRow : Number.POSITIVE_INFINITY, moves: n };
}
