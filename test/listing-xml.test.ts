import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseListingXml } from '../lib/s3/listing-xml';

const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>`;
const object = (key: string, extra = '') =>
  `<Contents><Key>${key}</Key><LastModified>2026-11-25T16:30:12.345Z</LastModified><ETag>&quot;9dd4&quot;</ETag><Size>42</Size>${extra}<StorageClass>STANDARD</StorageClass></Contents>`;

describe('parseListingXml: the entries of a ListObjectsV2 page, the rest left to the SDK', () => {
  it('reads objects and common prefixes in document order, and keeps every other element for the SDK', () => {
    const head = '<Name>b</Name><Prefix>p/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>';
    const tail = '<NextContinuationToken>t&amp;1</NextContinuationToken>';
    const xml = doc(`${head}${object('p/a')}${object('p/b', '<Owner><ID>o</ID><DisplayName>O</DisplayName></Owner>')}<CommonPrefixes><Prefix>p/d/</Prefix></CommonPrefixes>${tail}`);
    const got = parseListingXml(xml);
    assert.ok(got);
    assert.deepEqual(got.Contents, [
      { Key: 'p/a', Size: 42, LastModified: new Date('2026-11-25T16:30:12.345Z'), ETag: '"9dd4"', StorageClass: 'STANDARD' },
      { Key: 'p/b', Size: 42, LastModified: new Date('2026-11-25T16:30:12.345Z'), ETag: '"9dd4"', StorageClass: 'STANDARD' },
    ]);
    assert.deepEqual(got.CommonPrefixes, [{ Prefix: 'p/d/' }]);
    assert.equal(got.rest, doc(`${head}${tail}`));
  });

  const keys: [string, string, string][] = [
    ['the five named references', 'a&amp;b&lt;c&gt;d&quot;e&apos;f', 'a&b<c>d"e\'f'],
    ['decimal and hex character references, astral too', '&#65;&#x263A;&#x1F600;', 'A\u263a\u{1f600}'],
    ['CRLF and a lone CR become LF, as XML parsing does', 'a\r\nb\rc', 'a\nb\nc'],
    ['blanks kept as they are', '  a b  ', '  a b  '],
    ['an escaped end tag is text', '&lt;/Contents&gt;', '</Contents>'],
  ];
  for (const [what, listed, key] of keys) {
    it(`key text: ${what}`, () => {
      assert.equal(parseListingXml(doc(object(listed)))?.Contents[0].Key, key);
    });
  }

  it('an empty element is an empty string; a missing one is undefined', () => {
    const got = parseListingXml(doc('<Contents><Key>k</Key><StorageClass/></Contents>'));
    assert.deepEqual(got?.Contents, [{ Key: 'k', Size: undefined, LastModified: undefined, ETag: undefined, StorageClass: '' }]);
  });

  it('a page without entries leaves the whole document to the SDK', () => {
    const xml = doc('<Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>');
    assert.deepEqual(parseListingXml(xml), { Contents: [], CommonPrefixes: [], rest: xml });
  });

  const unsure: [string, string][] = [
    ['a document cut short', doc(object('a')).slice(0, -5)],
    ['not a listing', '<?xml version="1.0"?><Error><Code>NoSuchBucket</Code></Error>'],
    ['a comment', doc(`<!-- x -->${object('a')}`)],
    ['CDATA', doc('<Contents><Key><![CDATA[a]]></Key></Contents>')],
    ['a child never closed', doc('<Contents><Key>a</Contents>')],
    ['a character reference beyond Unicode', doc(object('a&#x110000;'))],
    ['an HTML page', '<html><body>login</body></html>'],
  ];
  for (const [what, xml] of unsure) {
    it(`leaves ${what} whole to the SDK (undefined)`, () => {
      assert.equal(parseListingXml(xml), undefined);
    });
  }
});
