/**
 * The QR code of a key URI as SVG. Only qrcode's encoder and SVG renderer are loaded
 * (its package entry also pulls in a PNG encoder we never use), and only by the request
 * that shows a QR code, so the others never pay for it.
 */
export async function qrSvg(text: string): Promise<string> {
  const { create, render } = await import('./vendor/qrcode');
  // A fixed mask: every mask scans, and trying all eight for the "best" costs ~30 ms.
  return render(create(text, { errorCorrectionLevel: 'M', maskPattern: 2 }), { margin: 2, width: 240 }).trim();
}
