/**
 * SMTP replies, names and addresses as pure functions: no sockets here, so every
 * chunk boundary and malformed line can be tested without a server.
 */

/** One complete SMTP reply (RFC 5321 4.2): a code and one or more text lines. */
export interface SmtpReply {
  code: number;
  /** Text of each line, without the code and separator. */
  lines: string[];
}

/** A reply that does not follow RFC 5321 4.2: the peer is not speaking SMTP. */
export class SmtpProtocolError extends Error {}

// RFC 5321 4.5.3.1.5 allows 512 octets per reply line; servers exceed it, 4 KiB does not.
const MAX_LINE = 4096;
const MAX_LINES = 1000;

/** The reply as one line: `code text`, continuation lines joined with a space. */
export function replyText(reply: SmtpReply): string {
  return reply.lines.join(' ').trim();
}

/** Printable form of untrusted bytes for a one-line message: control characters escaped, capped. */
export function printable(text: string, max = 80): string {
  const clean = text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * Turns a byte stream from an SMTP server into replies, whatever the chunk boundaries:
 * a multi-line `250-` reply may arrive split anywhere, even inside its CRLF.
 */
export class SmtpReplyParser {
  private buffered = '';
  private pending: SmtpReply | undefined;

  /** Feed bytes; returns the replies they complete. Throws SmtpProtocolError on garbage. */
  push(chunk: Buffer | string): SmtpReply[] {
    this.buffered += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const replies: SmtpReply[] = [];
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, '');
      this.buffered = this.buffered.slice(nl + 1);
      const reply = this.line(line);
      if (reply) replies.push(reply);
    }
    if (this.buffered.length > MAX_LINE) {
      throw new SmtpProtocolError(`reply line longer than ${MAX_LINE} bytes: ${printable(this.buffered)}`);
    }
    return replies;
  }

  /** Bytes of an unfinished reply still buffered (a peer that closed mid-reply). */
  get partial(): string {
    return this.buffered;
  }

  private line(line: string): SmtpReply | undefined {
    if (line.length > MAX_LINE) throw new SmtpProtocolError(`reply line longer than ${MAX_LINE} bytes: ${printable(line)}`);
    // RFC 5321 4.2: three digits, then SP (last line) or "-" (more follow); a bare code is a last line.
    const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
    if (!m) throw new SmtpProtocolError(`not an SMTP reply: ${printable(line) || '(empty line)'}`);
    const code = Number(m[1]);
    if (this.pending && this.pending.code !== code) {
      throw new SmtpProtocolError(`reply code changed from ${this.pending.code} to ${code} inside a multi-line reply`);
    }
    const reply = this.pending ?? { code, lines: [] };
    reply.lines.push(m[3]);
    if (reply.lines.length > MAX_LINES) throw new SmtpProtocolError(`reply longer than ${MAX_LINES} lines`);
    if (m[2] === '-') {
      this.pending = reply;
      return undefined;
    }
    this.pending = undefined;
    return reply;
  }
}

/** Parse a complete reply text (`250-a\r\n250 b\r\n`) at once. */
export function parseSmtpReply(text: string): SmtpReply {
  const parser = new SmtpReplyParser();
  const replies = parser.push(text.endsWith('\n') ? text : `${text}\r\n`);
  if (replies.length !== 1 || parser.partial) throw new SmtpProtocolError(`expected one reply: ${printable(text)}`);
  return replies[0];
}

/** EHLO keywords (upper case) from an EHLO reply; the first line is the greeting, not a keyword. */
export function ehloKeywords(reply: SmtpReply): Set<string> {
  return new Set(reply.lines.slice(1).map((l) => l.trim().split(/\s+/)[0].toUpperCase()).filter(Boolean));
}

/**
 * A domain name as mail uses it (RFC 5321 4.1.2 / RFC 1123 2.1): dot-separated LDH labels
 * of 1–63 characters, not starting or ending with a hyphen, 253 characters at most.
 * A trailing dot is allowed. Returns the name without the trailing dot, or undefined.
 */
export function normalizeDomain(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!n || n.length > 253) return undefined;
  const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
  return n.split('.').every((l) => label.test(l)) ? n.toLowerCase() : undefined;
}

export interface HostPort {
  host: string;
  port?: number;
}

/** A TCP/UDP port number from text, or undefined when it is not 1–65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * `host`, `host:port`, `1.2.3.4:53`, `::1`, `[::1]:53`. Returns undefined when malformed
 * (empty host, bad port, an unbracketed IPv6 address with a port).
 */
export function parseHostPort(text: string): HostPort | undefined {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // a bare IPv6 address
  } else {
    const i = text.indexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
  }
  if (!host || /\s/.test(host)) return undefined;
  if (host.includes(':') ? !/^[0-9A-Fa-f:.]+$/.test(host) : !normalizeDomain(host)) return undefined;
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  return port === undefined ? undefined : { host, port };
}

/** `host:port`, bracketing IPv6 addresses. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Nameserver addresses from resolv.conf text, in order (RFC-less but universal format). */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (m) servers.push(m[1].replace(/%.*$/, '')); // drop an IPv6 zone id: dgram cannot use it here
  }
  return servers;
}

/** Everything in a TSV field that would break the line: tabs and line breaks become spaces. */
export function tsvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  return String(value).replace(/[\t\r\n]+/g, ' ');
}
