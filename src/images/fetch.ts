/**
 * Fetching one image URL from an untrusted article, safely:
 * - http and https only;
 * - the host is resolved first (every address) and refused when any address is loopback,
 *   private, link-local, metadata, CGNAT, multicast or unspecified (see address.ts), unless
 *   the host is explicitly allowed (`allowHosts`, which tests use for 127.0.0.1);
 * - the connection goes to the vetted address (a custom `lookup` returns it), so a second
 *   DNS answer cannot rebind the host to an internal address;
 * - a connect timeout and a total timeout, a size cap enforced while streaming, at most
 *   `maxRedirects` redirects with every hop checked again;
 * - the bytes must decode as an image (sharp: metadata, then a full decode), with a pixel
 *   limit that refuses decompression bombs.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import sharp from 'sharp';
import { forbiddenReason } from './address.ts';

export interface FetchOptions {
  /** Hosts (names or IP literals, as in the URL) that may resolve to any address. */
  allowHosts?: readonly string[];
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Decoded pixels (width × height) above which an image is refused. */
  maxPixels?: number;
  /** Resolves a host to every address; dns.lookup by default (tests may replace it). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
  userAgent?: string;
}

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  timeoutMs: 60_000,
  maxBytes: 15 * 1024 * 1024,
  maxRedirects: 5,
  maxPixels: 100_000_000,
  userAgent: 'news-archive image archiver (+https://github.com/)',
} as const;

/** Image formats we keep (sharp's names); SVG is refused (it is a document, not pixels). */
export const IMAGE_FORMATS: Record<string, { ext: string; type: string }> = {
  jpeg: { ext: 'jpg', type: 'image/jpeg' },
  png: { ext: 'png', type: 'image/png' },
  gif: { ext: 'gif', type: 'image/gif' },
  webp: { ext: 'webp', type: 'image/webp' },
  avif: { ext: 'avif', type: 'image/avif' },
  heif: { ext: 'avif', type: 'image/avif' },
  tiff: { ext: 'tif', type: 'image/tiff' },
};

export interface FetchedImage {
  ok: true;
  url: string;
  finalUrl: string;
  bytes: Buffer;
  format: string;
  ext: string;
  type: string;
  width: number;
  height: number;
}

export interface FetchFailure {
  ok: false;
  url: string;
  /** The HTTP status when a response said no, otherwise null. */
  status: number | null;
  reason: string;
}

export type FetchResult = FetchedImage | FetchFailure;

/** A refusal or failure with a reason meant for the report. */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

async function defaultResolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

/** Resolves the URL's host and returns the one address to connect to, or throws why not. */
export async function vetHost(url: URL, options: FetchOptions = {}): Promise<LookupAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(`refused: ${url.protocol} URLs are not fetched (http and https only)`);
  }
  if (url.username || url.password) throw new FetchError('refused: URL with credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allowed = (options.allowHosts ?? []).some(
    (h) => h.replace(/^\[|\]$/g, '').toLowerCase() === host.toLowerCase(),
  );
  let addresses: LookupAddress[];
  const family = isIP(host);
  if (family !== 0) addresses = [{ address: host, family }];
  else {
    try {
      addresses = await (options.resolve ?? defaultResolve)(host);
    } catch (err) {
      throw new FetchError(
        `DNS lookup of ${host} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  if (addresses.length === 0) throw new FetchError(`DNS lookup of ${host} returned no address`);
  if (!allowed) {
    for (const a of addresses) {
      const why = forbiddenReason(a.address);
      if (why) throw new FetchError(`refused: ${host} resolves to ${a.address}, a ${why}`);
    }
  }
  return addresses[0]!;
}

interface Response {
  status: number;
  location: string | null;
  body: Buffer;
}

/** One request to a vetted address; redirects are returned, not followed. */
function request(
  url: URL,
  address: LookupAddress,
  options: Required<Omit<FetchOptions, 'allowHosts' | 'resolve'>>,
  deadline: number,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Connect to the address we checked, whatever a new DNS answer would say.
    const lookup: LookupFunction = (_host, opts, callback) => {
      if ((opts as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      req.destroy();
      reject(err);
    };
    const req = client.request(url, {
      method: 'GET',
      lookup,
      headers: { 'user-agent': options.userAgent, accept: 'image/avif,image/webp,image/*;q=0.9,*/*;q=0.1' },
      agent: false,
    });
    const connectTimer = setTimeout(
      () => fail(new FetchError(`connect timeout after ${options.connectTimeoutMs} ms`)),
      Math.min(options.connectTimeoutMs, Math.max(0, deadline - Date.now())),
    );
    const totalTimer = setTimeout(
      () => fail(new FetchError(`timed out after ${options.timeoutMs} ms`)),
      Math.max(0, deadline - Date.now()),
    );
    req.on('socket', (socket) => {
      const connected = (): void => clearTimeout(connectTimer);
      if (!socket.connecting) connected();
      socket.once('connect', connected);
    });
    req.on('error', (err) =>
      fail(new FetchError(`network error: ${(err as NodeJS.ErrnoException).code ?? err.message}`)),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        req.destroy();
        resolve({ status, location: res.headers.location, body: Buffer.alloc(0) });
        return;
      }
      if (status < 200 || status >= 300) {
        fail(new FetchError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, status));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        fail(new FetchError(`too large: ${declared} bytes declared, the limit is ${options.maxBytes}`, status));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(new FetchError(`too large: over ${options.maxBytes} bytes`, status));
          return;
        }
        chunks.push(chunk);
      });
      res.on('aborted', () => fail(new FetchError('connection closed before the end of the body', status)));
      res.on('error', (err) => fail(new FetchError(`network error: ${err.message}`, status)));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new FetchError('connection closed before the end of the body', status));
          return;
        }
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        resolve({ status, location: null, body: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}

/** Checks that the bytes are an image sharp decodes within the pixel limit; returns its facts. */
export async function verifyImage(
  bytes: Buffer,
  maxPixels: number = FETCH_DEFAULTS.maxPixels,
): Promise<{ format: string; ext: string; type: string; width: number; height: number }> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
  } catch (err) {
    throw new FetchError(`not an image: ${(err as Error).message}`);
  }
  const known = meta.format ? IMAGE_FORMATS[meta.format] : undefined;
  if (!known) throw new FetchError(`not an accepted image format: ${meta.format ?? 'unknown'}`);
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new FetchError('not an image: no dimensions');
  if (width * height > maxPixels) {
    throw new FetchError(`refused: ${width}×${height} pixels is over the limit of ${maxPixels} (decompression bomb?)`);
  }
  try {
    // A full decode (of the first frame), which catches truncated and corrupt data.
    await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' }).raw().toBuffer();
  } catch (err) {
    throw new FetchError(`broken image: ${(err as Error).message}`);
  }
  // EXIF orientations 5–8 turn the picture a quarter: the displayed size is swapped.
  const turned = (meta.orientation ?? 1) >= 5;
  return { format: meta.format!, ...known, width: turned ? height : width, height: turned ? width : height };
}

/** Fetches one image URL; never throws (a failure is a result with its reason). */
export async function fetchImage(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const opts = {
    connectTimeoutMs: options.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
    timeoutMs: options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs,
    maxBytes: options.maxBytes ?? FETCH_DEFAULTS.maxBytes,
    maxRedirects: options.maxRedirects ?? FETCH_DEFAULTS.maxRedirects,
    maxPixels: options.maxPixels ?? FETCH_DEFAULTS.maxPixels,
    userAgent: options.userAgent ?? FETCH_DEFAULTS.userAgent,
  };
  const deadline = Date.now() + opts.timeoutMs;
  try {
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      throw new FetchError('not a valid URL');
    }
    for (let hop = 0; ; hop++) {
      const address = await vetHost(current, options);
      const response = await request(current, address, opts, deadline);
      if (response.location !== null) {
        if (hop >= opts.maxRedirects)
          throw new FetchError(`too many redirects (more than ${opts.maxRedirects})`, response.status);
        try {
          current = new URL(response.location, current);
        } catch {
          throw new FetchError(`bad redirect location: ${response.location}`, response.status);
        }
        continue;
      }
      const facts = await verifyImage(response.body, opts.maxPixels);
      return { ok: true, url, finalUrl: current.href, bytes: response.body, ...facts };
    }
  } catch (err) {
    if (err instanceof FetchError) return { ok: false, url, status: err.status, reason: err.message };
    return { ok: false, url, status: null, reason: `unexpected error: ${(err as Error).message}` };
  }
}
