/**
 * The few DER pieces the RDCleanPath and CredSSP messages need: definite-length TLVs, INTEGER, strings.
 * Both formats are tiny fixed schemas, so a general ASN.1 library would add weight without safety.
 */

interface Tlv {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Uint8Array;
  /** Bytes the whole element occupies, header included. */
  size: number;
}

export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = 'DerError';
  }
}

/** Size of the element at the start of `bytes`, or undefined when more bytes are needed. */
export function derElementSize(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2) return undefined;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new DerError('unsupported length form');
  if (bytes.length < 2 + count) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
  return 2 + count + length;
}

export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  const view = bytes.subarray(offset);
  const size = derElementSize(view);
  if (size === undefined || size > view.length) throw new DerError('truncated element');
  const first = view[1]!;
  const header = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return { tag: view[0]!, value: view.subarray(header, size), size };
}

/** All elements directly inside a constructed value. */
export function readChildren(value: Uint8Array): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = 0; offset < value.length;) {
    const child = readTlv(value, offset);
    children.push(child);
    offset += child.size;
  }
  return children;
}

export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const length = value.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else header = [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(value, header.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const Tag = {
  integer: 0x02,
  octetString: 0x04,
  utf8String: 0x0c,
  sequence: 0x30,
  /** [n] EXPLICIT, constructed, context-specific. */
  context: (n: number) => 0xa0 | n,
} as const;

export function encodeInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new DerError('only non-negative integers');
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(Tag.integer, Uint8Array.from(bytes));
}

/** Reads an INTEGER's low 32 bits as unsigned (NTSTATUS codes arrive as negative 32-bit two's complement). */
export function decodeUint32(value: Uint8Array): number {
  if (value.length === 0 || value.length > 5) throw new DerError('integer size');
  let result = 0;
  for (const byte of value.subarray(Math.max(0, value.length - 4))) result = result * 256 + byte;
  return result >>> 0;
}

export function decodeInteger(value: Uint8Array): number {
  if (value.length === 0 || value.length > 6) throw new DerError('integer size');
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  if (value[0]! & 0x80) result -= 2 ** (8 * value.length);
  return result;
}

export const utf8 = (text: string) => tlv(Tag.utf8String, new TextEncoder().encode(text));
