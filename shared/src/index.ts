export * from './common.ts';
export * from './money.ts';
export * from './problem.ts';
export * from './funding.ts';
export * from './auth.ts';
