// One entry point for validating any part: structure (valibot) plus cross-field rules.
import * as v from 'valibot';
import type { PartName } from './parts';
import { fromValibot, sortIssues, type Issue, type Validation } from './issues';
import { parcelSchema, type ParcelPart } from './parcel-schema';
import { valuationRules, valuationSchema, type ValuationPart } from './valuation-schema';
import { titleRules, titleSchema, type TitlePart } from './title-schema';
import { privateSchema, type PrivatePart } from './private-schema';

export interface PartValues {
	parcel: ParcelPart;
	valuation: ValuationPart;
	title: TitlePart;
	private: PrivatePart;
}
export type PartValue<P extends PartName = PartName> = PartValues[P];

export const PART_SCHEMAS = { parcel: parcelSchema, valuation: valuationSchema, title: titleSchema, private: privateSchema };

const RULES: Record<PartName, (input: unknown) => Issue[]> = {
	parcel: () => [],
	valuation: valuationRules,
	title: titleRules,
	private: () => []
};

/** Checks a part's plain value and returns every problem, sorted by path, or the typed value. */
export function validatePart<P extends PartName>(part: P, value: unknown): Validation<PartValue<P>> {
	const schema = PART_SCHEMAS[part];
	if (!schema) return { ok: false, issues: [{ path: '', message: `unknown part ${JSON.stringify(part)}` }] };
	const parsed = v.safeParse(schema, value);
	const issues = [...(parsed.success ? [] : fromValibot(parsed.issues)), ...RULES[part](value)];
	if (issues.length > 0 || !parsed.success) return { ok: false, issues: sortIssues(issues) };
	return { ok: true, value: parsed.output as PartValue<P> };
}
