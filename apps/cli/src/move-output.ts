import type { MoveRecord } from '@switchyard/control-plane';

const seconds = (m: MoveRecord): string =>
  m.finishedAt ? ((m.finishedAt.getTime() - m.startedAt.getTime()) / 1000).toFixed(1) : '';

/** One end of a move, for a table: its tier, and its server when the move changes server. */
const end = (tier: string, server: string, serverChanges: boolean) => (serverChanges ? `${tier}@${server}` : tier);

/** A move as a table row; `tenant` is its tenant's slug, where known. */
export function moveRow(m: MoveRecord, tenant: string): Record<string, string | number> {
  const serverChanges = m.fromServer !== m.toServer;
  return {
    id: m.id,
    tenant,
    from: end(m.fromTier, m.fromServer, serverChanges),
    to: end(m.toTier, m.toServer, serverChanges),
    state: m.cancelRequested && !m.finishedAt ? `${m.state} (cancelling)` : m.state,
    rows: m.rowsTotal ? `${m.rowsCopied}/${m.rowsTotal}` : String(m.rowsCopied),
    started: m.startedAt.toISOString(),
    seconds: seconds(m),
  };
}

/** A move in full, for a person: where from, where to, how far, how long, and why it failed. */
export function describeMove(m: MoveRecord): string {
  const lines = [
    `move ${m.id}: ${m.state}${m.cancelRequested && !m.finishedAt ? ' (cancel requested)' : ''}`,
    `  tenant ${m.tenantId}`,
    `  from ${m.fromTier} (${m.fromServer}/${m.fromDatabase}/${m.fromSchema})`,
    `  to   ${m.toTier} (${m.toServer}/${m.toDatabase}/${m.toSchema})`,
    `  rows ${m.rowsCopied} copied${m.rowsTotal ? ` of ${m.rowsTotal}` : ''}, duration ${seconds(m) || '-'} s, write freeze ${m.freezeMs ?? '-'} ms`,
    `  requested by ${m.requestedBy ?? '-'} at ${m.startedAt.toISOString()}`,
  ];
  if (m.error) lines.push(`  error: ${m.error}`);
  return `${lines.join('\n')}\n`;
}
