// Reads a QR code on a page the way a camera would: the drawn SVG, rasterised, through a decoder.
import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';

// jsqr is CommonJS with an ES-style default export: Node's loader hands over the module object.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** Reads the QR code the way a tablet camera would: the drawn SVG, rasterised, through a decoder. */
export async function scanQr(page: Page, selector: string): Promise<string | null> {
  const size = 360;
  // The page sends back one character per pixel (dark or light): far less to carry than RGBA.
  const dark = await page.locator(selector).evaluate(async (svg, size) => {
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0, size, size);
    const { data } = ctx.getImageData(0, 0, size, size);
    let out = '';
    for (let i = 0; i < data.length; i += 4) out += data[i]! < 128 ? '1' : '0';
    return out;
  }, size);
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < dark.length; p++)
    rgba.fill(dark[p] === '1' ? 0 : 255, p * 4, p * 4 + 3).fill(255, p * 4 + 3, p * 4 + 4);
  return jsQR(rgba, size, size)?.data ?? null;
}
