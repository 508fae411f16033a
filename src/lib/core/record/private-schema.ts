// The `private` part: owners' contact details, national identifiers and internal notes.
// Written by assessors and registrars; its change bodies are served to staff only.
import * as v from 'valibot';
import { localKey, nonEmptyText, maxText, multiLineText } from './formats';
import { parcelIdSchema } from './parcel-schema';

export const contactSchema = v.strictObject({
	phone: v.optional(v.pipe(v.string(), v.regex(/^\+?[0-9 ()./-]{3,32}$/, 'must be a phone number (digits, spaces, + ( ) . / -)'))),
	email: v.optional(v.pipe(v.string(), v.maxLength(254, 'must be at most 254 characters'), v.email('must be an e-mail address'))),
	postalAddress: v.optional(maxText(500))
});

export const privateSchema = v.strictObject({
	id: parcelIdSchema,
	/** Keyed by the party id used in the title part. */
	contacts: v.record(localKey, contactSchema),
	nationalIds: v.record(localKey, nonEmptyText(64)),
	/** Automerge text, so several staff members' notes merge. */
	internalNotes: multiLineText(50_000)
});

export type Contact = v.InferOutput<typeof contactSchema>;
export type PrivatePart = v.InferOutput<typeof privateSchema>;
