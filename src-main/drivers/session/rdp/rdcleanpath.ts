import {
  concat,
  decodeInteger,
  DerError,
  encodeInteger,
  readChildren,
  readTlv,
  Tag,
  tlv,
  utf8,
} from './der.js';

/**
 * RDCleanPath: how IronRDP's web client asks a proxy to reach an RDP server. One DER request
 * (destination, X.224 Connection Request) answered by one DER response (X.224 Connection Confirm,
 * the server's certificate chain, its address) or an error; after that the stream is raw RDP.
 */
export const RDCLEANPATH_VERSION = 3390;
export const GENERAL_ERROR = 1;
export const NEGOTIATION_ERROR = 2;

interface CleanPathRequest {
  destination: string;
  proxyAuth: string;
  preconnectionBlob?: string;
  x224ConnectionRequest: Uint8Array;
}

interface CleanPathResponse {
  x224ConnectionConfirm: Uint8Array;
  serverCertChain: Uint8Array[];
  /** `ip:port` of the server (the client parses it as a socket address). */
  serverAddr: string;
}

interface CleanPathError {
  errorCode: number;
  httpStatusCode?: number;
  wsaLastError?: number;
  tlsAlertCode?: number;
  /** The server's X.224 answer, for negotiation errors. */
  x224ConnectionConfirm?: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeRequest(bytes: Uint8Array): CleanPathRequest {
  const outer = readTlv(bytes);
  if (outer.tag !== Tag.sequence) throw new DerError('RDCleanPath PDU is not a SEQUENCE');
  const fields = new Map<number, Uint8Array>();
  for (const child of readChildren(outer.value)) fields.set(child.tag, readTlv(child.value).value);
  const version = fields.get(Tag.context(0));
  if (!version || decodeInteger(version) !== RDCLEANPATH_VERSION) throw new DerError('RDCleanPath version');
  const destination = fields.get(Tag.context(2));
  const x224 = fields.get(Tag.context(6));
  if (!destination || !x224) throw new DerError('RDCleanPath request without destination or X.224 PDU');
  const proxyAuth = fields.get(Tag.context(3));
  const pcb = fields.get(Tag.context(5));
  return {
    destination: decoder.decode(destination),
    proxyAuth: proxyAuth ? decoder.decode(proxyAuth) : '',
    ...(pcb ? { preconnectionBlob: decoder.decode(pcb) } : {}),
    x224ConnectionRequest: Uint8Array.from(x224),
  };
}

const field = (n: number, value: Uint8Array) => tlv(Tag.context(n), value);

export function encodeResponse(response: CleanPathResponse): Uint8Array {
  return tlv(
    Tag.sequence,
    concat([
      field(0, encodeInteger(RDCLEANPATH_VERSION)),
      field(6, tlv(Tag.octetString, response.x224ConnectionConfirm)),
      field(7, tlv(Tag.sequence, concat(response.serverCertChain.map((cert) => tlv(Tag.octetString, cert))))),
      field(9, utf8(response.serverAddr)),
    ]),
  );
}

export function encodeError(error: CleanPathError): Uint8Array {
  const details = [field(0, encodeInteger(error.errorCode))];
  if (error.httpStatusCode !== undefined) details.push(field(1, encodeInteger(error.httpStatusCode)));
  if (error.wsaLastError !== undefined) details.push(field(2, encodeInteger(error.wsaLastError)));
  if (error.tlsAlertCode !== undefined) details.push(field(3, encodeInteger(error.tlsAlertCode)));
  const parts = [field(0, encodeInteger(RDCLEANPATH_VERSION)), field(1, tlv(Tag.sequence, concat(details)))];
  if (error.x224ConnectionConfirm) parts.push(field(6, tlv(Tag.octetString, error.x224ConnectionConfirm)));
  return tlv(Tag.sequence, concat(parts));
}

/** Test helper and documentation of the request's shape: what the client sends. */
export function encodeRequest(request: CleanPathRequest): Uint8Array {
  const parts = [
    field(0, encodeInteger(RDCLEANPATH_VERSION)),
    field(2, utf8(request.destination)),
    field(3, utf8(request.proxyAuth)),
  ];
  if (request.preconnectionBlob !== undefined) parts.push(field(5, utf8(request.preconnectionBlob)));
  parts.push(field(6, tlv(Tag.octetString, request.x224ConnectionRequest)));
  return tlv(Tag.sequence, concat(parts));
}
