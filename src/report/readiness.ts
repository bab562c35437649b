/**
 * Time to ready: how long `pulumi up` should take until the VMs are up and until the tunnel
 * is up, from the declared dependency graph and a table of typical creation times. Pure.
 *
 * The gateway's 45 minutes are Microsoft's ("can take 45 minutes or more",
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings); every other figure is this
 * project's stated assumption for a typical region on a quiet day, not a measurement.
 */

/** The Pulumi type of a WaitForBoot=Yes VM's readiness gate (src/azure/readinessGate.ts). */
export const READINESS_GATE_TYPE = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
/** Expected wait of one readiness gate after its VM is created, in minutes: a stated assumption
 * (a specialized disk boots Windows from scratch; AD DS starts after DNS and Netlogon), not a
 * measurement. The gate itself gives up at `readinessTimeoutMinutes`. */
export const READINESS_GATE_MINUTES = 5;

/** Typical creation minutes per Pulumi type token; `source` says where each comes from. */
export const CREATION_MINUTES: Readonly<Record<string, { minutes: number; source: string }>> = {
  "azure-native:resources:ResourceGroup": { minutes: 0.2, source: "assumption" },
  "azure-native:network:VirtualNetwork": { minutes: 0.3, source: "assumption" },
  "azure-native:network:Subnet": { minutes: 0.2, source: "assumption" },
  "azure-native:network:NetworkSecurityGroup": { minutes: 0.3, source: "assumption" },
  "azure-native:network:PublicIPAddress": { minutes: 0.2, source: "assumption" },
  "azure-native:network:LoadBalancer": { minutes: 0.5, source: "assumption" },
  "azure-native:network:NetworkInterface": { minutes: 0.2, source: "assumption" },
  "azure-native:compute:VirtualMachine": { minutes: 3, source: "assumption: attach an existing disk and start" },
  [READINESS_GATE_TYPE]: { minutes: READINESS_GATE_MINUTES, source: "assumption: the guest boots, its agent turns Ready and a domain controller's AD DS serves twice in a row; bounded by readinessTimeoutMinutes" },
  "azure-native:devtestlab:GlobalSchedule": { minutes: 0.2, source: "assumption" },
  "azure-native:network:VirtualNetworkGateway": { minutes: 45, source: "Microsoft Learn: 45 minutes or more" },
  "azure-native:network:LocalNetworkGateway": { minutes: 0.5, source: "assumption" },
  "azure-native:network:VirtualNetworkGatewayConnection": { minutes: 2, source: "assumption" },
  "random:index/randomPassword:RandomPassword": { minutes: 0, source: "local" },
  // The only dynamic resource: the wait after a role step that schedules a restart (src/azure/roleCommands.ts).
  "pulumi-nodejs:dynamic:Resource": { minutes: 1.5, source: "the reboot wait's 90 s (DataDog's Pulumi AD sequence)" },
};
/** Minutes assumed for a VM built from a marketplace image (an Image row whose disk is absent):
 * a stated assumption, not a measurement: Azure copies the image to a new disk, and Windows runs
 * its specialize pass and first boot (OOBE with the answer file) before the VM reports running. */
export const FROM_IMAGE_VM_MINUTES = 8;
/** Minutes assumed for a type missing from the table. */
export const UNKNOWN_TYPE_MINUTES = 1;

/** A node of the dependency graph: a declared resource and what it waits for. */
export interface GraphNode {
  type: string;
  name: string;
  dependsOn: string[];
  /** Creation minutes of this very node, when they differ from its type's (a VM built from an image). */
  minutes?: number;
}

/** The estimate. Minutes from the start of `pulumi up`. */
export interface TimeToReady {
  /** Until the last VM is created (and started) and every readiness gate has passed. */
  vmsMinutes: number;
  /** Until the VPN connection is created; `null` without a VPN. */
  vpnMinutes: number | null;
  /** Resource names on the longest path, first to last. */
  criticalPath: string[];
  /** The whole deployment with everything created one after another, as the 2014 scripts did. */
  sequentialMinutes: number;
}

const minutesOf = (type: string) => CREATION_MINUTES[type]?.minutes ?? UNKNOWN_TYPE_MINUTES;

/**
 * Earliest finish times over the graph (every resource starts as soon as all it waits for are
 * done; Pulumi runs independent resources in parallel). Names unknown to the graph are ignored.
 * Throws an `Error` on a dependency cycle (a defect: Pulumi itself would refuse it).
 */
export function timeToReady(nodes: readonly GraphNode[]): TimeToReady {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = finish.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`dependency cycle through ${name}`);
    visiting.add(name);
    const node = byName.get(name)!;
    let start = 0;
    let from: string | undefined;
    for (const dep of node.dependsOn) {
      if (!byName.has(dep)) continue;
      const t = visit(dep);
      if (t > start) [start, from] = [t, dep];
    }
    visiting.delete(name);
    const end = start + (node.minutes ?? minutesOf(node.type));
    finish.set(name, end);
    via.set(name, from);
    return end;
  };
  nodes.forEach((n) => visit(n.name));

  const latest = (type: string) => nodes.filter((n) => n.type === type).reduce<string | undefined>((best, n) => (best === undefined || finish.get(n.name)! > finish.get(best)! ? n.name : best), undefined);
  // A barrier is ready when its gate passes, which comes after its VM is created.
  const lastVm = [latest("azure-native:compute:VirtualMachine"), latest(READINESS_GATE_TYPE)]
    .filter((n): n is string => n !== undefined)
    .reduce<string | undefined>((best, n) => (best === undefined || finish.get(n)! > finish.get(best)! ? n : best), undefined);
  const connection = latest("azure-native:network:VirtualNetworkGatewayConnection");
  const last = nodes.reduce<string | undefined>((best, n) => (best === undefined || finish.get(n.name)! > finish.get(best)! ? n.name : best), undefined);
  const path: string[] = [];
  for (let at = last; at !== undefined; at = via.get(at)) path.unshift(at);
  const round = (m: number) => Math.round(m * 10) / 10;
  return {
    vmsMinutes: lastVm ? round(finish.get(lastVm)!) : 0,
    vpnMinutes: connection ? round(finish.get(connection)!) : null,
    criticalPath: path,
    sequentialMinutes: round(nodes.reduce((sum, n) => sum + (n.minutes ?? minutesOf(n.type)), 0)),
  };
}
