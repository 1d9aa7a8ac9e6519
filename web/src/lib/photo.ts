// Photos from the agency console: downscaled in the browser (a phone camera's 12 MP JPEG is
// several MiB; 1600 px on the longer side is plenty to show a scene) and re-encoded as JPEG,
// which also drops the camera's metadata (EXIF, GPS) before anything leaves the tablet.

/** The longer side of an uploaded photo, in pixels. */
export const MAX_PHOTO_SIDE = 1600;
/** The server's limit for one photo (services::max_media_bytes). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** The types the server accepts, by Content-Type. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const JPEG_QUALITY = 0.85;

/**
 * The size to draw a width × height image at so that its longer side is at most max pixels,
 * keeping its proportions: never enlarged, whole pixels, at least 1 × 1.
 */
export function fitWithin(width: number, height: number, max = MAX_PHOTO_SIDE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { width: 1, height: 1 };
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether a file may go up as it is: a type the server accepts, within its size limit. */
export function uploadableAsIs(type: string, size: number): boolean {
  return (PHOTO_TYPES as readonly string[]).includes(type) && size > 0 && size <= MAX_PHOTO_BYTES;
}

/**
 * The photo to upload: decoded (turned upright as the camera said), drawn at most maxSide
 * (default MAX_PHOTO_SIDE) on its longer side and encoded as JPEG. A file the browser cannot
 * decode goes up as it is when the server takes it; otherwise this fails.
 */
export async function preparePhoto(file: Blob, maxSide = MAX_PHOTO_SIDE): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    if (uploadableAsIs(file.type, file.size)) return file;
    throw e;
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxSide);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('canvas 2d is not available');
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
    if (!blob) throw new Error('the photo could not be encoded');
    return blob;
  } finally {
    bitmap.close();
  }
}
