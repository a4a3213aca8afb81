/**
 * The QR code of a key URI as SVG. `qrcode` is loaded here only, on demand, so the
 * requests that show no QR code never pay for it.
 */
export async function qrSvg(text: string): Promise<string> {
  const QRCode = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return svg.trim();
}
