// Writes the PNG icons from draw.ts: `npm run icons`. The PNGs are committed; run this after a change to the drawing.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ICON_FILES, encodePng, render } from './draw.ts';

const here = dirname(fileURLToPath(import.meta.url));
for (const { file, shape, size } of ICON_FILES) {
  const path = join(here, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng(render(shape, size), size));
  console.log(`wrote build/icons/${file} (${size}×${size})`);
}
