// Test vectors for witnesses and cosignatures, shown in docs/protocol.md ("Witnesses") and
// asserted by vectors.test.ts. The log is the three-entry vector log of log/vectors.ts (RFC 8032
// TEST 3 key); the witnesses use the RFC 8032 §7.1 TEST 1024 and TEST SHA(abc) keys. The
// cosignature was also checked independently with Node's crypto (key ID, time, Ed25519).
import { LOG_VECTORS } from '../log/vectors';

export const WITNESS_VECTOR_TIME = 1767225600; // 2026-01-01T00:00:00Z

export const WITNESS_VECTORS = {
	w1: {
		name: 'witness.example/w1',
		/** RFC 8032 §7.1 TEST 1024. */
		secret: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
		public: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
		vkey: 'witness.example/w1+36b78e68+BCeBF/wUTHI0D2fQ8jFug4bO/78rJCjJxR/vfFl/HUJu'
	},
	w2: {
		name: 'witness.example/w2',
		/** RFC 8032 §7.1 TEST SHA(abc). */
		secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
		public: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
		vkey: 'witness.example/w2+ef5d8c3b+BOwXK5OtXlY79JMscOEkUDTDVGfvLv1NZOv4GWg0Z+K/'
	},
	/** What w1 signs: the header lines, then the checkpoint's note text. */
	message: `cosignature/v1\ntime ${WITNESS_VECTOR_TIME}\n${LOG_VECTORS.checkpoint}`,
	/** w1's cosignature line at WITNESS_VECTOR_TIME: base64(key ID ‖ u64 time ‖ signature). */
	cosignature: '— witness.example/w1 NreOaAAAAABpVbkA+Me6BCXmra4K0ijxLV5TUMnfIT4THfgquAwAleJvtr1Md4q7XNnJcIaG41K6954bIvBuP9SOuM4fqE74ZQ12Dw==\n',
	/** The vector log's signed checkpoint with w1's cosignature appended. */
	cosignedCheckpoint: `${LOG_VECTORS.signedCheckpoint}— witness.example/w1 NreOaAAAAABpVbkA+Me6BCXmra4K0ijxLV5TUMnfIT4THfgquAwAleJvtr1Md4q7XNnJcIaG41K6954bIvBuP9SOuM4fqE74ZQ12Dw==\n`,
	/** A policy naming both witnesses, one of which must cosign: the checkpoint above meets it. */
	policy: 'witness witness.example/w1+36b78e68+BCeBF/wUTHI0D2fQ8jFug4bO/78rJCjJxR/vfFl/HUJu\nwitness witness.example/w2+ef5d8c3b+BOwXK5OtXlY79JMscOEkUDTDVGfvLv1NZOv4GWg0Z+K/\nquorum 1\n',
	/** The add-checkpoint request a log sends w1 after w1 cosigned size 2: old size, proof 2 → 3, note. */
	request: `old 2\nV8efTzGuApxdS9MLBzwnyU35NDiytGl+Hh7vW8A5SkE=\n\n${LOG_VECTORS.signedCheckpoint}`
} as const;
