// Event-style reading of the EPUB's XML parts (container, package, SMIL, XHTML) with htmlparser2:
// forgiving of the small faults real EPUBs have, never fetching anything, and with names
// reduced to their local part ("opf:item" and "item" alike) and attributes as given.
import { Parser } from 'htmlparser2';

export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

export function readXml(xml: string, h: XmlHandlers): void {
  const parser = new Parser(
    {
      onopentag: (name, attrs) => h.open?.(localName(name), attrs),
      onclosetag: (name) => h.close?.(localName(name)),
      ontext: (text) => h.text?.(text),
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.end(xml);
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon < 0 ? name : name.slice(colon + 1)).toLowerCase();
}

/** A path inside the zip from an href relative to the file `from` (percent-encoding undone). */
export function resolveHref(from: string, href: string): { path: string; fragment: string } {
  const url = new URL(href, `epub:/${from}`);
  if (url.protocol !== 'epub:') return { path: '', fragment: '' };
  return { path: decodeURIComponent(url.pathname.slice(1)), fragment: decodeURIComponent(url.hash.slice(1)) };
}
