/**
 * The QR code of a key URI as SVG. Only qrcode's encoder and SVG renderer are loaded
 * (its package entry also pulls in a PNG encoder we never use), and only by the request
 * that shows a QR code, so the others never pay for it.
 */
/** The QR code of `text` as an SVG element, 240 px wide with a 2-module margin. */
export async function qrSvg(text: string): Promise<string> {
  const { create, render } = await import('./vendor/qrcode');
  // One byte-mode segment and a fixed mask: every mask scans, and trying all eight for
  // the "best" costs ~30 ms; splitting a key URI into the cheapest mix of modes costs a
  // few more and gives the same QR version.
  const qr = create([{ data: text, mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 2 });
  return render(qr, { margin: 2, width: 240 }).trim();
}
