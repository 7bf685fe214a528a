import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildRelay } from "../../src/app/build-relay.ts";

function captureLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  return { stream, lines };
}

describe("request logging", () => {
  it("logs allow-listed fields only, never headers, query or body", async () => {
    const { stream, lines } = captureLines();
    const app = await buildRelay({
      dataDir: mkdtempSync(join(tmpdir(), "ants-logging-")),
      insecureWorkFactorLog2ForTests: 10,
      logger: { destination: stream },
      processMetrics: false,
    });
    await app.inject({
      method: "POST",
      url: "/healthz?token=SENTINEL-query",
      headers: {
        authorization: "DPoP SENTINEL-token",
        dpop: "SENTINEL-proof",
        "content-type": "application/json",
      },
      payload: '{"seed":"SENTINEL-body"}',
    });
    await app.close();
    const line = JSON.parse(lines.find((text) => text.includes("request answered"))!);
    expect(line).toMatchObject({ method: "POST", path: "/healthz", status: 405, level: 30 });
    expect(typeof line.reqId).toBe("string");
    expect(typeof line.durationMs).toBe("number");
    expect(lines.join("\n")).not.toContain("SENTINEL");
  });

  it("logs a 5xx at error level", async () => {
    const { stream, lines } = captureLines();
    const app = await buildRelay({
      dataDir: mkdtempSync(join(tmpdir(), "ants-logging-")),
      insecureWorkFactorLog2ForTests: 10,
      logger: { destination: stream },
      processMetrics: false,
    });
    app.get("/crash", async () => {
      throw new Error("boom");
    });
    await app.inject({ method: "GET", url: "/crash" });
    await app.close();
    const answered = lines.map((text) => JSON.parse(text)).find((l) => l.msg === "request failed");
    expect(answered).toMatchObject({ level: 50, status: 500 });
  });
});
