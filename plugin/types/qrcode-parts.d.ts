// The two parts of qrcode 1.5 that whm2fa uses (see plugin/src/qr.ts); the package's
// own types only describe its entry point.
declare module 'qrcode/lib/core/qrcode.js' {
  export interface QrData {
    readonly modules: { readonly size: number; readonly data: Uint8Array };
  }
  export function create(
    data: string | readonly { readonly data: string; readonly mode: 'byte' }[],
    options: { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H'; maskPattern?: number },
  ): QrData;
}
declare module 'qrcode/lib/renderer/svg-tag.js' {
  import type { QrData } from 'qrcode/lib/core/qrcode.js';
  export function render(data: QrData, options: { margin?: number; width?: number }): string;
}
