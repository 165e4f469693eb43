/** The one row a query must return (an aggregate, a RETURNING of one row); anything else is a bug, said so. */
export function singleRow<T>(rows: readonly T[], what: string): T {
  const [row] = rows;
  if (row === undefined || rows.length > 1) throw new Error(`${what}: expected one row, got ${rows.length}`);
  return row;
}
