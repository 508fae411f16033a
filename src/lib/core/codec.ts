// A tiny strict binary writer/reader for the log's deterministic formats (big-endian, no padding).
import { fromUtf8, utf8 } from './bytes';

export class Writer {
	#chunks: number[] = [];

	u8(v: number): this {
		if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`u8 out of range: ${v}`);
		this.#chunks.push(v);
		return this;
	}
	u16(v: number): this {
		if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`);
		this.#chunks.push(v >> 8, v & 0xff);
		return this;
	}
	/** Unsigned 64-bit integer from a JS number; values above 2^53 are refused rather than rounded. */
	u64(v: number): this {
		if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 out of range: ${v}`);
		const hi = Math.floor(v / 2 ** 32);
		const lo = v >>> 0;
		this.#chunks.push(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
		this.#chunks.push(lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
		return this;
	}
	fixed(b: Uint8Array, length: number): this {
		if (b.length !== length) throw new RangeError(`expected ${length} bytes, got ${b.length}`);
		for (const x of b) this.#chunks.push(x);
		return this;
	}
	/** UTF-8 string with a u8 length prefix. */
	str8(s: string): this {
		const b = utf8(s);
		this.u8(b.length);
		return this.fixed(b, b.length);
	}
	/** UTF-8 string with a u16 length prefix. */
	str16(s: string): this {
		const b = utf8(s);
		this.u16(b.length);
		return this.fixed(b, b.length);
	}
	bytes(): Uint8Array {
		return Uint8Array.from(this.#chunks);
	}
}

export class DecodeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DecodeError';
	}
}

export class Reader {
	#pos = 0;
	constructor(private readonly buf: Uint8Array) {}

	/** The position of the next `n` bytes, which must exist; moves past them. */
	#at(n: number): number {
		const at = this.#pos;
		if (at + n > this.buf.length) throw new DecodeError(`truncated: needed ${n} bytes at offset ${at}`);
		this.#pos = at + n;
		return at;
	}
	u8(): number {
		return this.buf[this.#at(1)];
	}
	u16(): number {
		const at = this.#at(2);
		return (this.buf[at] << 8) | this.buf[at + 1];
	}
	u64(): number {
		const b = this.buf;
		const at = this.#at(8);
		const hi = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
		const lo = ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
		if (hi >= 2 ** 21) throw new DecodeError('u64 above 2^53 is not supported');
		return hi * 2 ** 32 + lo;
	}
	/** A copy of the next `n` bytes (it does not keep the buffer read from alive). */
	fixed(n: number): Uint8Array {
		const at = this.#at(n);
		return this.buf.slice(at, at + n);
	}
	/** The next `n` bytes as a view of the buffer read from, for bytes only looked at (hashed, decoded). */
	view(n: number): Uint8Array {
		const at = this.#at(n);
		return this.buf.subarray(at, at + n);
	}
	str8(): string {
		return this.#text(this.u8());
	}
	str16(): string {
		return this.#text(this.u16());
	}
	#text(n: number): string {
		const at = this.#at(n);
		// Short ASCII (parcel ids, part names: most strings these formats carry) without a TextDecoder call.
		if (n <= 64) {
			let ascii = '';
			let i = at;
			for (; i < at + n && this.buf[i] < 0x80; i++) ascii += String.fromCharCode(this.buf[i]);
			if (i === at + n) return ascii;
		}
		try {
			return fromUtf8(this.buf.subarray(at, at + n));
		} catch (e) {
			if (e instanceof DecodeError) throw e;
			throw new DecodeError('invalid UTF-8 in a string field');
		}
	}
	get offset(): number {
		return this.#pos;
	}
	/** Decoders call this last: trailing bytes make an encoding ambiguous, so they are refused. */
	end(): void {
		if (this.#pos !== this.buf.length) throw new DecodeError(`${this.buf.length - this.#pos} trailing bytes`);
	}
}
