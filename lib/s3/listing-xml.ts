/**
 * The entries of a ListObjectsV2 answer, read from its XML by this module instead of the
 * SDK's parser, which walks the document a character at a time: on Ceph RGW it was half
 * of `s3ls -r`'s CPU for 20,000 keys, and the server shares the two cores (issue 16).
 * Only `<Contents>` and `<CommonPrefixes>` are read here; what is left of the document
 * (IsTruncated, NextContinuationToken, EncodingType…) is still the SDK's to parse, so a
 * page's chain is judged exactly as before. A document this reader is not sure of
 * (comments, CDATA, a missing end) is left whole to the SDK.
 */

/** One `<Contents>` element, as the SDK's ListObjectsV2 output names its fields. */
export interface ListingObjectXml {
  Key?: string;
  Size?: number;
  LastModified?: Date;
  ETag?: string;
  StorageClass?: string;
}

export interface ListingXml {
  Contents: ListingObjectXml[];
  CommonPrefixes: { Prefix?: string }[];
  /** The document without its Contents and CommonPrefixes elements, for the SDK. */
  rest: string;
}

const ENTRY = /<(Contents|CommonPrefixes)>([\s\S]*?)<\/\1>/g;
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character data as XML defines it: line ends normalised to LF, references replaced. */
function text(raw: string): string {
  const lf = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!lf.includes('&')) return lf;
  return lf.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, named: string | undefined) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(parseInt(dec, 10)) : NAMED[named!],
  );
}

class UnsureXml extends Error {}

/** The text of child element `name` of `block`; undefined when there is none. */
function child(block: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = block.indexOf(open);
  if (start < 0) return block.includes(`<${name}/>`) ? '' : undefined;
  const end = block.indexOf(`</${name}>`, start);
  if (end < 0) throw new UnsureXml();
  return text(block.slice(start + open.length, end));
}

/** The entries of a ListBucketResult document; undefined when the SDK should parse it whole. */
export function parseListingXml(xml: string): ListingXml | undefined {
  if (!/<\/ListBucketResult>\s*$/.test(xml) || xml.includes('<!--') || xml.includes('<![CDATA[')) return undefined;
  const Contents: ListingObjectXml[] = [];
  const CommonPrefixes: { Prefix?: string }[] = [];
  const rest: string[] = [];
  let from = 0;
  try {
    for (const m of xml.matchAll(ENTRY)) {
      rest.push(xml.slice(from, m.index));
      from = m.index + m[0].length;
      const block = m[2];
      if (m[1] === 'CommonPrefixes') {
        CommonPrefixes.push({ Prefix: child(block, 'Prefix') });
        continue;
      }
      const size = child(block, 'Size');
      const modified = child(block, 'LastModified');
      Contents.push({
        Key: child(block, 'Key'),
        Size: size === undefined ? undefined : Number(size),
        LastModified: modified === undefined ? undefined : new Date(modified),
        ETag: child(block, 'ETag'),
        StorageClass: child(block, 'StorageClass'),
      });
    }
  } catch (err) {
    // A character reference out of Unicode's range (RangeError) is the SDK's to judge too.
    if (err instanceof UnsureXml || err instanceof RangeError) return undefined;
    throw err;
  }
  rest.push(xml.slice(from));
  return { Contents, CommonPrefixes, rest: rest.join('') };
}
