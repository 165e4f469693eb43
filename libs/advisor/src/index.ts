export { AdvisorModule } from './advisor.module';
export { MoveEstimator } from './move-estimator';
export type { MoveEstimate } from './move-estimator';
export { PlacementAdvisor } from './placement-advisor';
export type { Candidate, CandidateReport } from './placement-advisor';
