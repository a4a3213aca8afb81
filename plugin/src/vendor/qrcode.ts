/**
 * The two parts of qrcode that whm2fa uses: its encoder and SVG renderer (the package
 * entry also pulls in a PNG encoder). Built as its own file, loaded on demand (qr.ts).
 */
export { create } from 'qrcode/lib/core/qrcode.js';
export { render } from 'qrcode/lib/renderer/svg-tag.js';
