// The `private` part: owners' contact details, national identifiers and internal notes.
// Written by assessors and registrars; its change bodies are served to staff only.
import * as v from 'valibot';
import { count, localKey, nonEmptyText, maxText, multiLineText, sha256Key } from './formats';
import { parcelIdSchema } from './parcel-schema';

export const contactSchema = v.strictObject({
	phone: v.optional(v.pipe(v.string(), v.regex(/^\+?[0-9 ()./-]{3,32}$/, 'must be a phone number (digits, spaces, + ( ) . / -)'))),
	email: v.optional(v.pipe(v.string(), v.maxLength(254, 'must be at most 254 characters'), v.email('must be an e-mail address'))),
	postalAddress: v.optional(maxText(500))
});

export const claimantSchema = v.strictObject({ name: nonEmptyText(200), contact: maxText(500) });

export const privateSchema = v.strictObject({
	id: parcelIdSchema,
	/** Keyed by the party id used in the title part. */
	contacts: v.record(localKey, contactSchema),
	nationalIds: v.record(localKey, nonEmptyText(64)),
	/** Automerge text, so several staff members' notes merge. */
	internalNotes: multiLineText(50_000),
	/** Scanned IDs and other private documents: files addressed by the SHA-256 that keys them, served to staff only. */
	documents: v.optional(v.record(sha256Key, v.strictObject({ kind: nonEmptyText(100), title: maxText(300), size: count }))),
	/**
	 * Who filed a claim through a registrar (issue 21), keyed by the claim entry's identity (SHA-256
	 * of its statement, hex): the claim entry is public, so the person's name and contact live here.
	 */
	claimants: v.optional(v.record(sha256Key, claimantSchema))
});

export type Claimant = v.InferOutput<typeof claimantSchema>;
export type Contact = v.InferOutput<typeof contactSchema>;
export type PrivatePart = v.InferOutput<typeof privateSchema>;
