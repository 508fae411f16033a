// Test vectors for the log's formats, shown in docs/protocol.md ("The log") and asserted by
// vectors.test.ts. A three-entry log signed with the RFC 8032 §7.1 TEST 3 key. Root, proofs,
// key ID and signature were also checked independently with Python's hashlib and Node's crypto.

export const LOG_VECTOR_ORIGIN = 'demo.parcel-ledger.example/log';
/** RFC 8032 §7.1 TEST 3 secret key and its public key. */
export const LOG_VECTOR_SECRET = 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7';
export const LOG_VECTOR_PUBLIC = 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025';

/** The entries are the ASCII strings "entry 0", "entry 1", "entry 2". */
export const LOG_VECTOR_ENTRIES = ['656e7472792030', '656e7472792031', '656e7472792032'] as const;

export const LOG_VECTORS = {
	/** SHA-256(0x00 ‖ entry) for each entry. */
	leafHashes: [
		'773885a613489e24ce2cf76199d6a423f042e4bbf12d7eecee912ef276c65701',
		'2dfb36c6f66cac361429cf46df868ab8242d3a6441f1099c8fb3f98ec5d108a4',
		'57c79f4f31ae029c5d4bd30b073c27c94df93438b2b4697e1e1eef5bc0394a41'
	],
	/** Stored hashes 0..3: leaf 0, leaf 1, node(leaf 0, leaf 1) = root of size 2, leaf 2. */
	storedHashes: [
		'773885a613489e24ce2cf76199d6a423f042e4bbf12d7eecee912ef276c65701',
		'2dfb36c6f66cac361429cf46df868ab8242d3a6441f1099c8fb3f98ec5d108a4',
		'5a47662fd8a317d96049a3f9f47c55dc67ca66051baa3683dbb19b2fe09a07b0',
		'57c79f4f31ae029c5d4bd30b073c27c94df93438b2b4697e1e1eef5bc0394a41'
	],
	emptyRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
	root2: '5a47662fd8a317d96049a3f9f47c55dc67ca66051baa3683dbb19b2fe09a07b0',
	root3: '94fbd0dd836f50301692e6d0eade728ee19ec52bfff1606ed807c8575d5aaa19',
	inclusionProofJson: {
		leafIndex: 1,
		treeSize: 3,
		hashes: ['dziFphNIniTOLPdhmdakI/BC5LvxLX7s7pEu8nbGVwE=', 'V8efTzGuApxdS9MLBzwnyU35NDiytGl+Hh7vW8A5SkE=']
	},
	consistencyProofJson: {
		first: 2,
		second: 3,
		hashes: ['V8efTzGuApxdS9MLBzwnyU35NDiytGl+Hh7vW8A5SkE=']
	},
	/** Paths for tiles and bundles; the last shows the x-prefixed 3-digit groups. */
	tilePaths: [
		{ tile: { level: 0, n: 0, width: 3 }, path: 'tile/0/000.p/3' },
		{ tile: { level: 0, n: 0, width: 256 }, path: 'tile/0/000' },
		{ tile: { level: 2, n: 1234067, width: 256 }, path: 'tile/2/x001/x234/067' }
	],
	entriesPath: 'tile/entries/000.p/3',
	/** tile/0/000.p/3: the three leaf hashes, concatenated. */
	level0Tile:
		'773885a613489e24ce2cf76199d6a423f042e4bbf12d7eecee912ef276c657012dfb36c6f66cac361429cf46df868ab8242d3a6441f1099c8fb3f98ec5d108a457c79f4f31ae029c5d4bd30b073c27c94df93438b2b4697e1e1eef5bc0394a41',
	/** tile/entries/000.p/3: each entry as uint16 big-endian length ‖ bytes. */
	entryBundle: '0007656e74727920300007656e74727920310007656e7472792032',
	verifierKey: 'demo.parcel-ledger.example/log+0752e9ba+AfxRzY5iGKGjjaR+0AIw8FgIFu0TujMDrF3rkRVIkIAl',
	checkpoint: 'demo.parcel-ledger.example/log\n3\nlPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=\n',
	signedCheckpoint:
		'demo.parcel-ledger.example/log\n3\nlPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=\n\n— demo.parcel-ledger.example/log B1LpusjT7UGXolNKlrtZT5WLjp1Lz5J3Wn33ioAqEukTJiBrD/6wIPjViXAyf3EzPEoaSYYqceBDPTyf2JuO5y1kNgk=\n'
} as const;
