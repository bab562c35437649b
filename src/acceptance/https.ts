/**
 * The real {@link HttpsProber}: one GET with `node:https` from the user's machine. The certificate
 * is NOT verified (`rejectUnauthorized: false`): the lab's Exchange serves the self-signed
 * certificate Exchange Setup creates, which no client trusts, and the question is whether Exchange
 * answers at the lab's public address, not who it is. Nothing secret is sent.
 */
import * as https from "https";
import { HttpsProber } from "./ports";

/** The most of a body kept, bytes. */
const BODY_BYTES = 2048;

/** GETs `url`; never rejects (a failure is `ok: false` with the socket's error or `timeout`). */
export const httpsGet: HttpsProber = (url, timeoutMs) =>
  new Promise((resolve) => {
    const start = Date.now();
    let settled = false;
    const done = (result: { ok: boolean; status?: number; body?: string; error?: string }) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, ms: Date.now() - start });
    };
    // agent: false: a fresh connection per probe (a pooled one would outlive the server it probes).
    const req = https.get(url, { rejectUnauthorized: false, timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < BODY_BYTES) body += chunk;
      });
      res.on("end", () => done({ ok: res.statusCode === 200, status: res.statusCode, body: body.slice(0, BODY_BYTES).trim() }));
      res.on("error", (err: NodeJS.ErrnoException) => done({ ok: false, status: res.statusCode, error: err.code ?? err.message }));
    });
    req.on("timeout", () => {
      req.destroy();
      done({ ok: false, error: "timeout" });
    });
    req.on("error", (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }));
  });
