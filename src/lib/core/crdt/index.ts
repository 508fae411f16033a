// Automerge documents for parcel parts: create, edit, merge, conflicts, history, actors.
export * from './actors';
export * from './result';
export * from './representation';
export * from './document';
export * from './edit';
export * from './conflicts';
export * from './history';
export * from './merge';
export { checkEdit } from './write';
