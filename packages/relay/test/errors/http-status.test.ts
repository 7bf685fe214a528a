import { PROTOCOL_ERROR_CODES } from "@ants/protocol";
import { describe, expect, it } from "vitest";
import { HTTP_STATUS_BY_CODE, httpStatusForCode } from "../../src/errors/http-status.ts";

describe("the code to HTTP status table", () => {
  it("lists every code of the closed list", () => {
    const missing = PROTOCOL_ERROR_CODES.filter((code) => HTTP_STATUS_BY_CODE[code] === undefined);
    expect(missing).toEqual([]);
  });

  it("maps only to 4xx and 5xx statuses", () => {
    for (const status of Object.values(HTTP_STATUS_BY_CODE)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it("keeps internal faults as the only 5xx besides host-side keystore and config faults", () => {
    expect(httpStatusForCode("ERR_INTERNAL")).toBe(500);
    expect(httpStatusForCode("ERR_JSON_INVALID")).toBe(400);
    expect(httpStatusForCode("ERR_BODY_TOO_LARGE")).toBe(413);
    expect(httpStatusForCode("ERR_SESSION_EXPIRED")).toBe(401);
  });
});
