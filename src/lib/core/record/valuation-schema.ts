// The `valuation` part: assessments by year. Written by assessors only; public.
import * as v from 'valibot';
import type { Issue } from './issues';
import { isJsonObject } from './json';
import { isoDate, money, nonEmptyText, yearKey } from './formats';
import { parcelIdSchema } from './parcel-schema';

export const assessmentSchema = v.strictObject({
	land: money,
	improvements: money,
	/** Must equal land + improvements (checked by `valuationRules`). */
	total: money,
	/** The assessor's name as it appears on the notice. */
	assessor: nonEmptyText(200),
	date: isoDate
});

export const valuationSchema = v.strictObject({
	id: parcelIdSchema,
	assessments: v.record(yearKey, assessmentSchema)
});

export type Assessment = v.InferOutput<typeof assessmentSchema>;
export type ValuationPart = v.InferOutput<typeof valuationSchema>;

/** Cross-field rules, run on raw input too so that every problem is reported at once. */
export function valuationRules(input: unknown): Issue[] {
	const issues: Issue[] = [];
	const assessments = isJsonObject(input) && isJsonObject(input.assessments) ? input.assessments : {};
	for (const [year, a] of Object.entries(assessments)) {
		if (!isJsonObject(a)) continue;
		const { land, improvements, total } = a;
		if (typeof land !== 'number' || typeof improvements !== 'number' || typeof total !== 'number') continue;
		if (total !== land + improvements) {
			issues.push({ path: `assessments.${year}.total`, message: `total must equal land + improvements (${land + improvements})` });
		}
	}
	return issues;
}
