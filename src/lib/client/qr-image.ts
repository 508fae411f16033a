// Reads the text of a QR code in a photo or screenshot (jsQR over the image's pixels), as UTF-8:
// how a device takes another device's checkpoint from its screen (gossip; client/gossip.ts).
import jsQR, { type QRCode } from 'jsqr';

/** The QR code in an image (the registry's enrolment codes read it too). */
export async function qrFromImage(file: Blob): Promise<{ ok: true; qr: QRCode } | { ok: false; message: string }> {
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file);
	} catch {
		return { ok: false, message: 'the file is not an image this browser can read' };
	}
	const canvas = document.createElement('canvas');
	canvas.width = bitmap.width;
	canvas.height = bitmap.height;
	const ctx = canvas.getContext('2d', { willReadFrequently: true });
	if (!ctx) return { ok: false, message: 'this browser cannot read image pixels' };
	ctx.drawImage(bitmap, 0, 0);
	const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
	const qr = jsQR(pixels.data, pixels.width, pixels.height);
	if (!qr) return { ok: false, message: 'no QR code was found in the image' };
	return { ok: true, qr };
}

export async function textFromQrImage(file: Blob): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
	const found = await qrFromImage(file);
	if (!found.ok) return found;
	try {
		return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(found.qr.binaryData)) };
	} catch {
		return { ok: false, message: 'the QR code does not hold UTF-8 text' };
	}
}
