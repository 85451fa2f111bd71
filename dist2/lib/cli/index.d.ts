/** The CLI layer: what every filter in filters/ shares, and nothing lib/ itself needs. */
export * from './args';
export * from './flags';
export * from './run';
export * from './stdio';
export * from './progress';
