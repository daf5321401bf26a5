import { describe, expect, it } from 'vitest';
import { encodeInteger, readChildren, readTlv, Tag, tlv } from '../../../src-main/drivers/session/rdp/der.js';
import {
  decodeRequest,
  encodeError,
  encodeRequest,
  encodeResponse,
  RDCLEANPATH_VERSION,
} from '../../../src-main/drivers/session/rdp/rdcleanpath.js';
import {
  findInfoPacket,
  parseConnectionConfirm,
  pduSize,
  readSaveSessionInfo,
  readSetErrorInfo,
  readTsRequestErrorCode,
  requestedProtocols,
  setAutologon,
} from '../../../src-main/drivers/session/rdp/rdp-wire.js';

const le16 = (n: number) => [n & 0xff, n >> 8];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** TPKT + X.224 Data + MCS Send Data (request 0x64 or indication 0x68) around a payload. */
function slowPath(mcs: number, payload: number[]): Uint8Array {
  const length =
    payload.length < 0x80 ? [payload.length] : [0x80 | (payload.length >> 8), payload.length & 0xff];
  const body = [0x02, 0xf0, 0x80, mcs, 0x00, 0x06, 0x03, 0xeb, 0x70, ...length, ...payload];
  const total = 4 + body.length;
  return Uint8Array.from([0x03, 0x00, total >> 8, total & 0xff, ...body]);
}

function infoPdu(flags: number, password: string): Uint8Array {
  const utf16 = (text: string) => [...Buffer.from(`${text}\0`, 'utf16le')];
  const user = utf16('smrdpbot');
  const pass = utf16(password);
  const info = [
    ...le32(0), // code page
    ...le32(flags),
    ...le16(0), // cbDomain
    ...le16(user.length - 2),
    ...le16(password ? pass.length - 2 : 0),
    ...le16(0),
    ...le16(0),
    0,
    0,
    ...user,
    ...(password ? pass : [0, 0]),
    0,
    0,
    0,
    0,
  ];
  return slowPath(0x64, [...le16(0x0040), ...le16(0), ...info]);
}

function serverData(pduType2: number, data: number[]): Uint8Array {
  const shareControl = [...le16(18 + data.length), ...le16(0x17), ...le16(1002)];
  const shareData = [...le32(0x103ea), 0, 1, ...le16(data.length + 4), pduType2, 0, ...le16(0)];
  return slowPath(0x68, [...shareControl, ...shareData, ...data]);
}

describe('RDCleanPath PDUs', () => {
  it('decodes what the client sends and encodes what it expects back', () => {
    const x224 = Uint8Array.from([3, 0, 0, 19, 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 11, 0, 0, 0]);
    const request = decodeRequest(
      encodeRequest({ destination: '10.0.0.5:3389', proxyAuth: 'token', x224ConnectionRequest: x224 }),
    );
    expect(request).toEqual({
      destination: '10.0.0.5:3389',
      proxyAuth: 'token',
      x224ConnectionRequest: x224,
    });

    const cert = new Uint8Array(300).fill(7); // long enough for a two-byte DER length
    const response = readTlv(
      encodeResponse({ x224ConnectionConfirm: x224, serverCertChain: [cert], serverAddr: '127.0.0.1:3389' }),
    );
    expect(response.tag).toBe(Tag.sequence);
    const fields = readChildren(response.value);
    expect(fields.map((f) => f.tag)).toEqual([0xa0, 0xa6, 0xa7, 0xa9]);
    expect(readTlv(fields[0]!.value).value).toEqual(encodeInteger(RDCLEANPATH_VERSION).subarray(2));
    const chain = readChildren(readTlv(fields[2]!.value).value);
    expect(chain[0]!.value).toEqual(cert);
  });

  it('encodes errors with their details', () => {
    const fields = readChildren(readTlv(encodeError({ errorCode: 1, tlsAlertCode: 42 })).value);
    expect(fields.map((f) => f.tag)).toEqual([0xa0, 0xa1]);
    const details = readChildren(readTlv(fields[1]!.value).value);
    expect(details.map((d) => d.tag)).toEqual([0xa0, 0xa3]);
  });

  it('rejects a request of another version', () => {
    const bad = tlv(Tag.sequence, tlv(0xa0, encodeInteger(1)));
    expect(() => decodeRequest(bad)).toThrow(/version/);
  });
});

describe('RDP framing and the messages the endpoint reads', () => {
  it('sizes TPKT, fast-path and DER units, and waits for more bytes', () => {
    expect(pduSize(Uint8Array.from([3, 0, 1, 2]))).toBe(0x102);
    expect(pduSize(Uint8Array.from([0, 0x81, 0x10]))).toBe(0x110);
    expect(pduSize(Uint8Array.from([0, 0x20]))).toBe(0x20);
    expect(pduSize(Uint8Array.from([0x30, 0x82, 1, 0]))).toBe(4 + 256);
    expect(pduSize(Uint8Array.from([3, 0]))).toBeUndefined();
  });

  it('reads the protocol the server selected, or its refusal', () => {
    const confirm = (type: number, value: number) =>
      Uint8Array.from([3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, type, 0, 8, 0, ...le32(value)]);
    expect(parseConnectionConfirm(confirm(2, 2))).toEqual({ kind: 'selected', protocol: 2 });
    expect(parseConnectionConfirm(confirm(3, 5))).toEqual({ kind: 'failure', code: 5 });
    expect(parseConnectionConfirm(Uint8Array.from([3, 0, 0, 11, 6, 0xd0, 0, 0, 0, 0, 0]))).toEqual({
      kind: 'legacy',
    });
    expect(() => parseConnectionConfirm(Uint8Array.from([3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 0, 0]))).toThrow();
    expect(
      requestedProtocols(Uint8Array.from([3, 0, 0, 19, 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 11, 0, 0, 0])),
    ).toBe(11);
  });

  it('sets INFO_AUTOLOGON (and asks for logon notifications) in a Client Info PDU carrying a password', () => {
    const pdu = infoPdu(0x00000003, 'B0tPassw0rd!');
    const before = Uint8Array.from(pdu);
    expect(setAutologon(pdu)).toBe(true);
    const info = findInfoPacket(pdu)!;
    expect(info.flags & 0x8).toBe(0x8);
    expect(info.flags & 0x10040).toBe(0x10040);
    // Only the flags field changed.
    const changed = [...pdu.keys()].filter((i) => pdu[i] !== before[i]);
    expect(changed.every((i) => i >= info.flagsOffset && i < info.flagsOffset + 4)).toBe(true);
    expect(setAutologon(pdu)).toBe(false); // already set
  });

  it('leaves other PDUs and an Info PDU without a password alone', () => {
    expect(setAutologon(infoPdu(0x3, ''))).toBe(false);
    expect(setAutologon(serverData(0x2f, le32(5)))).toBe(false);
    expect(setAutologon(Uint8Array.from([0x30, 3, 2, 1, 6]))).toBe(false);
  });

  it('reads Set Error Info reasons and Save Session Info notifications', () => {
    expect(readSetErrorInfo(serverData(0x2f, le32(5)))).toBe(5);
    expect(readSetErrorInfo(serverData(0x26, le32(0)))).toBeUndefined();
    expect(readSaveSessionInfo(serverData(0x26, le32(1)))).toEqual({ kind: 'logged-on' });
    const logonErrors = [...le32(3), ...le16(18), ...le32(2), ...le32(8), ...le32(2), ...le32(0xc000006d)];
    expect(readSaveSessionInfo(serverData(0x26, logonErrors))).toEqual({
      kind: 'error',
      type: 2,
      data: 0xc000006d,
    });
    expect(readSaveSessionInfo(serverData(0x2f, le32(5)))).toBeUndefined();
  });

  it('reads TSRequest.errorCode as an unsigned NTSTATUS', () => {
    const tsRequest = tlv(
      Tag.sequence,
      Uint8Array.from([
        ...tlv(0xa0, Uint8Array.from([2, 1, 6])),
        ...tlv(0xa4, Uint8Array.from([2, 4, 0xc0, 0x00, 0x00, 0x6d])),
      ]),
    );
    expect(readTsRequestErrorCode(tsRequest)).toBe(0xc000006d);
    expect(readTsRequestErrorCode(tlv(Tag.sequence, tlv(0xa0, Uint8Array.from([2, 1, 6]))))).toBeUndefined();
    expect(readTsRequestErrorCode(Uint8Array.from([0x30, 0x05, 1]))).toBeUndefined();
  });
});
