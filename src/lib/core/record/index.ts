// The parcel record: identifiers, parts and who may write them, schemas and validation.
export * from './ids';
export * from './parts';
export * from './json';
export * from './issues';
export * from './formats';
export * from './geometry';
export * from './parcel-schema';
export * from './valuation-schema';
export * from './title-schema';
export * from './private-schema';
export * from './schema';
export * from './samples';
export * from './text-rules.js';
