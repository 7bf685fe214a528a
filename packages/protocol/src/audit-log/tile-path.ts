import { ProtocolError } from "../errors/protocol-error.ts";

/** C2SP tlog-tiles: every tile spans 8 tree levels. */
export const TILE_HEIGHT = 8;

/** C2SP tlog-tiles: a full tile holds 256 hashes (8,192 bytes) or 256 entries. */
export const TILE_WIDTH = 256;

/** Highest tile level a path may name. */
export const MAX_TILE_LEVEL = 63;

/** A hash tile: level L, index N, and width W (1..255 for a partial tile, 256 when full). */
export interface TileId {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** An entry bundle: index N and width, as for level-0 tiles. */
export interface EntryBundleId {
  readonly index: number;
  readonly width: number;
}

/** A parsed tile path. */
export type ParsedTilePath =
  | ({ readonly kind: "hash" } & TileId)
  | ({ readonly kind: "entries" } & EntryBundleId);

const TILE_PATH =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/){0,5}[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

function invalid(message: string): ProtocolError {
  return new ProtocolError("ERR_LOG_TILE_INVALID", message);
}

/**
 * Encodes a tile index as C2SP tlog-tiles path elements: zero-padded three-digit groups, all but
 * the last prefixed with "x".
 *
 * @example
 * formatTileIndex(1234067); // "x001/x234/067"
 * formatTileIndex(0); // "000"
 */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw invalid("tile index: expected integer >= 0");
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw invalid(`tile width: expected 1..${TILE_WIDTH}`);
  }
  return width === TILE_WIDTH ? "" : `.p/${width}`;
}

/**
 * The path of a hash tile, relative to the log prefix: `tile/<L>/<N>[.p/<W>]`.
 *
 * @example
 * tilePath({ level: 1, index: 1234067, width: 17 }); // "tile/1/x001/x234/067.p/17"
 */
export function tilePath(tile: TileId): string {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw invalid(`tile level: expected 0..${MAX_TILE_LEVEL}`);
  }
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/**
 * The path of an entry bundle, relative to the log prefix: `tile/entries/<N>[.p/<W>]`.
 *
 * @example
 * entryBundlePath({ index: 3, width: 256 }); // "tile/entries/003"
 */
export function entryBundlePath(bundle: EntryBundleId): string {
  return `tile/entries/${formatTileIndex(bundle.index)}${widthSuffix(bundle.width)}`;
}

/**
 * Parses a tile or entry bundle path (relative to the log prefix, no leading slash). Only the
 * canonical spelling is accepted, so one resource has one path: no leading zero groups
 * ("x000/001"), no leading zeroes in the level or width, level at most 63, width 1..255.
 * Throws ERR_LOG_TILE_INVALID.
 *
 * @example
 * parseTilePath("tile/0/x001/x234/067.p/8"); // { kind: "hash", level: 0, index: 1234067, width: 8 }
 */
export function parseTilePath(path: string): ParsedTilePath {
  const match = typeof path === "string" ? TILE_PATH.exec(path) : null;
  if (match === null) throw invalid("tile path: expected tile/<L>/<N>[.p/<W>]");
  const [, levelText, indexText, widthText] = match as unknown as [string, string, string, string?];
  const index = Number(indexText.replaceAll("x", "").replaceAll("/", ""));
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if ((widthText !== undefined && width >= TILE_WIDTH) || formatTileIndex(index) !== indexText) {
    throw invalid("tile path: not in canonical form");
  }
  if (levelText === "entries") return { kind: "entries", index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw invalid(`tile level: expected 0..${MAX_TILE_LEVEL}`);
  return { kind: "hash", level, index, width };
}
