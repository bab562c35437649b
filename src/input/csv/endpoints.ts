/**
 * Public endpoints: the CSV's `PublicRDPPort` and `Endpoints` columns turned into the load
 * balancer's rules and the NSG rules that admit them. Pure.
 *
 * The classic scripts published RDP on a chosen port plus SMTP (25), HTTPS (443) and HTTP (80)
 * on every cloud service VIP. Here one Standard public IP on a Standard Load Balancer plays the
 * VIP; each published port is admitted only from `allowedSourcePrefixes`.
 */

/** Endpoint names the `Endpoints` column accepts, with their TCP ports. */
export const ENDPOINT_NAMES: Readonly<Record<string, number>> = {
  smtp: 25,
  http: 80,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
};

/** The highest frontend port a load-balancing rule accepts (ARM `LoadBalancingRule.frontendPort`: 1-65534). */
export const MAX_PUBLIC_PORT = 65534;
/** The VM port RDP listens on. */
export const RDP_PORT = 3389;
/** SMTP, whose outbound direction most subscriptions block (https://learn.microsoft.com/azure/virtual-network/troubleshoot-outbound-smtp-connectivity). */
export const SMTP_PORT = 25;

/** A port's name for rule and pool names: `https` for 443, else the number. */
export function portName(port: number): string {
  return Object.entries(ENDPOINT_NAMES).find(([, p]) => p === port)?.[0] ?? String(port);
}

/**
 * Parses an `Endpoints` cell: names (case-insensitive) or TCP port numbers separated by `;`
 * (empty: none). Returns the ports in the order written, or error messages (one per bad item).
 */
export function parseEndpoints(text: string): { ports: number[]; errors: string[] } {
  const ports: number[] = [];
  const errors: string[] = [];
  for (const raw of text.split(";").map((s) => s.trim()).filter((s) => s !== "")) {
    const named = Object.prototype.hasOwnProperty.call(ENDPOINT_NAMES, raw.toLowerCase()) ? ENDPOINT_NAMES[raw.toLowerCase()] : undefined;
    const port = named ?? (/^\d{1,5}$/.test(raw) ? Number(raw) : NaN);
    if (!(port >= 1 && port <= MAX_PUBLIC_PORT)) {
      errors.push(`'${raw}' is neither an endpoint name (${Object.keys(ENDPOINT_NAMES).join(", ")}) nor a port from 1 to ${MAX_PUBLIC_PORT}`);
    } else if (ports.includes(port)) {
      errors.push(`port ${port} is listed twice`);
    } else ports.push(port);
  }
  return { ports, errors };
}
