/**
 * A small PDF 1.4 writer, enough for evidence reports: A4 pages of text in the standard Helvetica fonts
 * (no embedding needed), lines, polylines and filled rectangles. The engine has no browser, and a
 * report must be producible on an air-gapped machine, so it writes the format directly.
 */

/** A colour as r, g, b in [0, 1]. */
export type Rgb = [number, number, number];

type Op = string;

/** One page; coordinates from the top-left corner in points (1/72 inch), converted on output. */
export class PdfPage {
  readonly ops: Op[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** Text at (x, y) (y of the baseline from the top), Helvetica or Helvetica-Bold. */
  text(x: number, y: number, s: string, size = 10, opts: { bold?: boolean; color?: Rgb } = {}): void {
    const [r, g, b] = opts.color ?? [0, 0, 0];
    this.ops.push(`BT ${r} ${g} ${b} rg /${opts.bold ? 'F2' : 'F1'} ${size} Tf ${fmt(x)} ${fmt(this.height - y)} Td (${escapeText(s)}) Tj ET`);
  }

  /** A polyline through the points. */
  polyline(points: [number, number][], color: Rgb = [0, 0, 0], width = 1): void {
    if (points.length < 2) return;
    const path = points.map(([x, y], i) => `${fmt(x)} ${fmt(this.height - y)} ${i === 0 ? 'm' : 'l'}`).join(' ');
    this.ops.push(`${color.join(' ')} RG ${width} w ${path} S`);
  }

  /** A filled rectangle (top-left x, y). */
  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.ops.push(`${color.join(' ')} rg ${fmt(x)} ${fmt(this.height - y - h)} ${fmt(w)} ${fmt(h)} re f`);
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** PDF string escaping; characters outside Latin-1 become '?' (the standard fonts have no others). */
function escapeText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (c < 32 || c > 255) out += c === 8212 || c === 8211 ? '-' : c === 8594 ? '->' : c === 215 ? 'x' : '?';
    else if (c > 126) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

/** Approximate width of Helvetica text (average glyph width), for wrapping. */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.5;
}

/** Wraps text to lines no wider than `width` points. */
export function wrap(s: string, size: number, width: number): string[] {
  const max = Math.max(8, Math.floor(width / (size * 0.5)));
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/)) {
      if (!word) continue;
      if (line && line.length + 1 + word.length > max) {
        out.push(line);
        line = '';
      }
      line = line ? `${line} ${word}` : word.length > max ? word.slice(0, max) : word;
    }
    out.push(line);
  }
  return out;
}

/** A document: add pages, then `toBuffer()`. */
export class PdfDocument {
  readonly pages: PdfPage[] = [];
  constructor(readonly title: string) {}

  /** Adds an A4 page. */
  addPage(): PdfPage {
    const p = new PdfPage(595, 842);
    this.pages.push(p);
    return p;
  }

  /** The PDF file. */
  toBuffer(): Buffer {
    const objects: string[] = [];
    const add = (body: string) => {
      objects.push(body);
      return objects.length;
    };
    const catalog = add('');
    const pagesObj = add('');
    const f1 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    const f2 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
    const kids: number[] = [];
    for (const p of this.pages) {
      const content = p.ops.join('\n');
      const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
      kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${p.width} ${p.height}] /Resources << /Font << /F1 ${f1} 0 R /F2 ${f2} 0 R >> >> /Contents ${stream} 0 R >>`));
    }
    objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
    objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
    const info = add(`<< /Title (${escapeText(this.title)}) /Producer (Watchfloor) >>`);
    let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(Buffer.byteLength(out, 'latin1'));
      out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = Buffer.byteLength(out, 'latin1');
    out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
    out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(out, 'latin1');
  }
}
