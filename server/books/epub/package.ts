// The EPUB's package document: META-INF/container.xml names the OPF file, whose manifest lists
// every file (with its media type and, for a chapter with narration, its media overlay) and whose
// spine gives the chapters in reading order.
import { readXml, resolveHref } from './xml.js';
import { badBook, type EpubZip } from './zip.js';

export interface ManifestItem {
  path: string;
  mediaType: string;
  /** The manifest id of this chapter's SMIL file, if it has narration. */
  overlay: string | undefined;
}

export interface EpubPackage {
  title: string;
  items: Map<string, ManifestItem>;
  /** Manifest ids of the chapters, in reading order (linear="no" asides left out). */
  spine: string[];
}

/** Package files are small; this is many times a real one. */
const MAX_PACKAGE_BYTES = 4 * 1024 * 1024;

export async function readPackage(zip: EpubZip): Promise<EpubPackage> {
  if (!zip.has('META-INF/container.xml'))
    throw badBook('This EPUB has no META-INF/container.xml, so its contents cannot be found.');
  let opfPath = '';
  readXml(await zip.text('META-INF/container.xml', MAX_PACKAGE_BYTES), {
    open(name, a) {
      if (name === 'rootfile' && !opfPath) opfPath = a['full-path'] ?? '';
    },
  });
  if (!opfPath || !zip.has(opfPath))
    throw badBook('This EPUB has no package document (META-INF/container.xml names none that is in the file).');

  const pkg: EpubPackage = { title: '', items: new Map(), spine: [] };
  let inTitle = false;
  let title = '';
  readXml(await zip.text(opfPath, MAX_PACKAGE_BYTES), {
    open(name, a) {
      if (name === 'title' && !pkg.title) inTitle = true;
      else if (name === 'item' && a.id && a.href) {
        pkg.items.set(a.id, {
          path: resolveHref(opfPath, a.href).path,
          mediaType: (a['media-type'] ?? '').toLowerCase(),
          overlay: a['media-overlay'],
        });
      } else if (name === 'itemref' && a.idref && a.linear !== 'no') pkg.spine.push(a.idref);
    },
    text(t) {
      if (inTitle) title += t;
    },
    close(name) {
      if (name === 'title' && inTitle) {
        inTitle = false;
        pkg.title = title.replace(/\s+/g, ' ').trim();
      }
    },
  });
  if (pkg.spine.length === 0) throw badBook('This EPUB lists no chapters to read (its spine is empty).');
  return pkg;
}
