// Word lists for the demo county. Every name is invented; every contact detail uses reserved
// example ranges (example.org, +44 1632 96xxxx), so no real person is ever implied.
export const GIVEN = ['Ada', 'Ben', 'Cara', 'Dev', 'Elin', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Maya', 'Niko', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tess', 'Umar', 'Vera', 'Wim', 'Xena', 'Yusuf', 'Zoë'];
export const FAMILY = ['Archer', 'Brooks', 'Castell', 'Dunmore', 'Ellery', 'Fairweather', 'Garrow', 'Hollis', 'Ingram', 'Jessop', 'Kettle', 'Lowther', 'Marlow', 'Nettles', 'Orme', 'Pennick', 'Quarry', 'Rowntree', 'Stroud', 'Thackeray', 'Upton', 'Varley', 'Whitlock', 'Yardley'];
export const COMPANIES = ['Demo Holdings Ltd', 'Riverside Farms Co-op', 'Northfield Estates', 'Eastbrook Builders', 'Mill Lane Trust'];
export const BANKS = ['Demo Mutual Bank', 'Example Savings'];
export const STREETS = ['Mill Lane', 'Church Street', 'Orchard Road', 'Station Road', 'Meadow Way', 'Quarry Hill', 'Brook Close', 'Market Street', 'Willow Drive', 'Kiln Row', 'Ferry Lane', 'Chapel Walk'];

export interface DemoDistrict {
	code: string;
	town: string;
	postcode: string;
	/** South-west corner of the district's grid, WGS 84. */
	lon: number;
	lat: number;
}

export const DISTRICTS: DemoDistrict[] = [
	{ code: 'RIV', town: 'Riverside', postcode: 'DC1', lon: 5.1, lat: 52.05 },
	{ code: 'NORTH', town: 'Northfield', postcode: 'DC2', lon: 5.1, lat: 52.09 },
	{ code: 'EAST', town: 'Eastbrook', postcode: 'DC3', lon: 5.16, lat: 52.05 }
];

export const LAND_USES = [
	{ landUse: 'residential', zoning: 'R1', weight: 6 },
	{ landUse: 'residential', zoning: 'R2', weight: 3 },
	{ landUse: 'commercial', zoning: 'C1', weight: 1 },
	{ landUse: 'agricultural', zoning: 'A1', weight: 2 },
	{ landUse: 'industrial', zoning: 'I1', weight: 1 }
];
