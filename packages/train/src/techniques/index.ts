export * from './marginBalance.ts';
export * from './adaptiveL2.ts';
export * from './instanceNoise.ts';
export * from './labels.ts';
export * from './momentMatching.ts';
