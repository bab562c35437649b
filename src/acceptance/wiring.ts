/**
 * The real ports of the acceptance run: the Pulumi CLI through the Automation API, Azure through
 * the SDK signed in with `DefaultAzureCredential` (`az login`), TCP and DNS from this machine.
 * Loaded only once a run is confirmed, so that `--dry-run` and the refusals load none of it.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { AzureArm } from "./arm";
import { AutomationWorkspace } from "./automation";
import { Ports } from "./ports";
import { httpsGet } from "./https";
import { labCommands } from "./labCommands";
import { resolveIpv4, systemClock, tcpConnect } from "./tcp";

/** The ports for one subscription. */
export function realPorts(subscriptionId: string): Ports {
  return {
    workspace: new AutomationWorkspace(),
    arm: new AzureArm({ credential: new DefaultAzureCredential(), subscriptionId }),
    tcp: tcpConnect,
    resolve: resolveIpv4,
    clock: systemClock,
    https: httpsGet,
    parking: labCommands(),
  };
}
