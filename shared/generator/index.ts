/** Seeded sample-data generator (DATA-CONTRACT v1) with injected violations and their ground truth. */
export { GeneratorError, GeneratorOptionsError, GeneratorWriteError } from './errors.js';
export { type GenerateOptions, type GenerationSummary, GROUND_TRUTH_FILE, generateDataset } from './generate.js';
export type { GroundTruthEntry } from './groundTruth.js';
