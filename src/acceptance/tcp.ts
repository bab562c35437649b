/**
 * Plain TCP connects from the user's machine (`node:net`) and DNS lookups (`node:dns`): what the
 * DrayTek's office and an RDP client see of the lab, without any Azure API in between.
 */
import { promises as dns } from "dns";
import * as net from "net";
import { Clock, Resolver, TcpProber } from "./ports";

/** Connects to `host:port` and closes at once; `timeout` after `timeoutMs`. Never rejects. */
export const tcpConnect: TcpProber = (host, port, timeoutMs) =>
  new Promise((resolve) => {
    const start = Date.now();
    const socket = net.connect({ host, port });
    const done = (ok: boolean, error?: string) => {
      socket.destroy();
      resolve({ ok, ms: Date.now() - start, error });
    };
    socket.setTimeout(timeoutMs, () => done(false, "timeout"));
    socket.once("connect", () => done(true));
    socket.once("error", (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
  });

/** The IPv4 addresses of a name, from the system's resolver. */
export const resolveIpv4: Resolver = (name) => dns.resolve4(name);

/** The real clock; `sleep` ends early when the signal aborts. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};
