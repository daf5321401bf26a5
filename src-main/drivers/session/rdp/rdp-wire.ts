import { decodeUint32, derElementSize, readChildren, readTlv, Tag } from './der.js';

/**
 * Just enough of the RDP wire format (MS-RDPBCGR, MS-CSSP) for the endpoint to frame the stream it
 * forwards and to read or adjust the few messages it cares about. Nothing here decodes graphics.
 */

export const Protocol = { rdp: 0, ssl: 1, hybrid: 2, rdstls: 4, hybridEx: 8 } as const;

/** RDP_NEG_FAILURE codes (MS-RDPBCGR 2.2.1.2.2). */
export const NegotiationFailure = {
  sslRequired: 1,
  sslNotAllowed: 2,
  sslCertNotOnServer: 3,
  inconsistentFlags: 4,
  hybridRequired: 5,
  sslWithUserAuthRequired: 6,
} as const;

type ConnectionConfirm =
  | { kind: 'selected'; protocol: number }
  | { kind: 'failure'; code: number }
  /** No negotiation data: the server only speaks legacy RDP security. */
  | { kind: 'legacy' };

/** Bytes of the complete PDU at the start of `bytes` (TPKT, fast-path or DER), or undefined if incomplete. */
export function pduSize(bytes: Uint8Array): number | undefined {
  if (bytes.length === 0) return undefined;
  const first = bytes[0]!;
  if (first === 0x03) return bytes.length < 4 ? undefined : (bytes[2]! << 8) | bytes[3]!;
  if (first === Tag.sequence) return derElementSize(bytes);
  // Fast-path: the length follows the header byte, one byte or two with the high bit set.
  if (bytes.length < 2) return undefined;
  const b1 = bytes[1]!;
  if (b1 & 0x80) return bytes.length < 3 ? undefined : ((b1 & 0x7f) << 8) | bytes[2]!;
  return b1;
}

/** The X.224 Connection Confirm in a TPKT (MS-RDPBCGR 2.2.1.2). */
export function parseConnectionConfirm(tpkt: Uint8Array): ConnectionConfirm {
  if (tpkt.length < 11 || tpkt[0] !== 0x03 || (tpkt[5]! & 0xf0) !== 0xd0) {
    throw new Error('the server did not answer with an X.224 Connection Confirm');
  }
  if (tpkt.length < 19) return { kind: 'legacy' };
  const view = new DataView(tpkt.buffer, tpkt.byteOffset, tpkt.byteLength);
  const type = tpkt[11]!;
  const value = view.getUint32(15, true);
  if (type === 0x02) return { kind: 'selected', protocol: value };
  if (type === 0x03) return { kind: 'failure', code: value };
  return { kind: 'legacy' };
}

/** The protocols a Connection Request asks for (0 when it carries no negotiation request). */
export function requestedProtocols(tpkt: Uint8Array): number {
  // RDP_NEG_REQ is the last 8 bytes when present: type 0x01, flags, length 8, protocols.
  if (tpkt.length < 19) return 0;
  const at = tpkt.length - 8;
  if (tpkt[at] !== 0x01 || tpkt[at + 2] !== 8) return 0;
  return new DataView(tpkt.buffer, tpkt.byteOffset, tpkt.byteLength).getUint32(at + 4, true);
}

/** Offset of the MCS user data in a slow-path TPKT (X.224 Data + MCS Send Data), with its kind. */
function mcsPayload(tpkt: Uint8Array): { offset: number; request: boolean } | undefined {
  if (tpkt.length < 15 || tpkt[0] !== 0x03 || tpkt[4] !== 0x02 || tpkt[5] !== 0xf0) return undefined;
  const choice = tpkt[7]! >> 2;
  if (choice !== 25 && choice !== 26) return undefined; // SendDataRequest / SendDataIndication
  // initiator (2), channel id (2), priority/segmentation (1), then a PER length of 1 or 2 bytes.
  const lengthAt = 13;
  const offset = tpkt[lengthAt]! & 0x80 ? lengthAt + 2 : lengthAt + 1;
  return offset <= tpkt.length ? { offset, request: choice === 25 } : undefined;
}

const SEC_INFO_PKT = 0x0040;
const INFO_AUTOLOGON = 0x00000008;
/** Ask the server to tell the client when the logon completed, and why it failed. */
const INFO_LOGONNOTIFY = 0x00000040;
const INFO_LOGONERRORS = 0x00010000;

interface InfoPacket {
  /** Offset of TS_INFO_PACKET.flags in the TPKT. */
  flagsOffset: number;
  flags: number;
  passwordBytes: number;
}

/** The Client Info PDU (MS-RDPBCGR 2.2.1.11), if this TPKT is one. */
export function findInfoPacket(tpkt: Uint8Array): InfoPacket | undefined {
  const mcs = mcsPayload(tpkt);
  if (!mcs?.request) return undefined;
  const view = new DataView(tpkt.buffer, tpkt.byteOffset, tpkt.byteLength);
  const at = mcs.offset;
  if (at + 4 + 18 > tpkt.length) return undefined;
  if (!(view.getUint16(at, true) & SEC_INFO_PKT)) return undefined;
  const info = at + 4; // after the basic security header
  return {
    flagsOffset: info + 4,
    flags: view.getUint32(info + 4, true),
    passwordBytes: view.getUint16(info + 12, true),
  };
}

/**
 * Sets INFO_AUTOLOGON in a Client Info PDU, in place. With TLS the PDU is not encrypted at the RDP
 * layer, and the flag tells a server without NLA (xrdp) to log on with the credentials the PDU
 * already carries instead of showing its login screen. Returns whether the PDU was changed.
 */
export function setAutologon(tpkt: Uint8Array): boolean {
  const info = findInfoPacket(tpkt);
  if (!info || info.passwordBytes === 0 || info.flags & INFO_AUTOLOGON) return false;
  new DataView(tpkt.buffer, tpkt.byteOffset, tpkt.byteLength).setUint32(
    info.flagsOffset,
    (info.flags | INFO_AUTOLOGON | INFO_LOGONNOTIFY | INFO_LOGONERRORS) >>> 0,
    true,
  );
  return true;
}

const PDUTYPE_DATAPDU = 0x7;
const PDUTYPE2_SET_ERROR_INFO_PDU = 0x2f;
const PDUTYPE2_SAVE_SESSION_INFO = 0x26;

/** The payload of a server Share Data PDU of the given pduType2 (after the 18 header bytes). */
function shareData(tpkt: Uint8Array, pduType2: number): DataView | undefined {
  const mcs = mcsPayload(tpkt);
  if (!mcs || mcs.request) return undefined;
  const at = mcs.offset;
  // Share control header (6) + share data header (12).
  if (at + 22 > tpkt.length) return undefined;
  const view = new DataView(tpkt.buffer, tpkt.byteOffset, tpkt.byteLength);
  if ((view.getUint16(at + 2, true) & 0x0f) !== PDUTYPE_DATAPDU) return undefined;
  if (tpkt[at + 6 + 8] !== pduType2) return undefined;
  return new DataView(tpkt.buffer, tpkt.byteOffset + at + 18, tpkt.length - at - 18);
}

/** The reason in a Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1), if this server TPKT is one. */
export function readSetErrorInfo(tpkt: Uint8Array): number | undefined {
  return shareData(tpkt, PDUTYPE2_SET_ERROR_INFO_PDU)?.getUint32(0, true);
}

type LogonInfo =
  | { kind: 'logged-on' }
  /** errorNotificationType and errorNotificationData of a LOGON_EX_LOGONERRORS field. */
  | { kind: 'error'; type: number; data: number };

/** A Save Session Info PDU (MS-RDPBCGR 2.2.10.1): the server's logon notification or logon error. */
export function readSaveSessionInfo(tpkt: Uint8Array): LogonInfo | undefined {
  const data = shareData(tpkt, PDUTYPE2_SAVE_SESSION_INFO);
  if (!data || data.byteLength < 4) return undefined;
  const infoType = data.getUint32(0, true);
  if (infoType !== 3) return { kind: 'logged-on' };
  // INFO_TYPE_LOGON_EXTENDED_INF: Length (2), FieldsPresent (4), then the fields in order.
  if (data.byteLength < 10) return { kind: 'logged-on' };
  const present = data.getUint32(6, true);
  let at = 10;
  if (present & 0x1) {
    if (data.byteLength < at + 4) return { kind: 'logged-on' };
    at += 4 + data.getUint32(at, true); // auto-reconnect cookie
  }
  if (present & 0x2 && data.byteLength >= at + 12) {
    return { kind: 'error', type: data.getUint32(at + 4, true), data: data.getUint32(at + 8, true) };
  }
  return { kind: 'logged-on' };
}

/** TSRequest.errorCode (MS-CSSP 2.2.1, [4], CredSSP version 3 and later), if the message has one. */
export function readTsRequestErrorCode(der: Uint8Array): number | undefined {
  try {
    const outer = readTlv(der);
    if (outer.tag !== Tag.sequence) return undefined;
    for (const child of readChildren(outer.value)) {
      if (child.tag === Tag.context(4)) return decodeUint32(readTlv(child.value).value);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
