export { MovesModule } from './moves.module';
export { DrainService } from './drain.service';
export type { DrainStart } from './drain.service';
export { MovesService } from './moves.service';
export type { MoveRequest } from './moves.service';
export { MoveRunner } from './move-runner';
export type { MoveProgress } from './move-runner';
export { MoveWorker } from './move-worker';
export type { MoveLocation } from './move-location';
