/**
 * Asks Azure, at `pulumi up` and `pulumi preview`, whether the machines the last deployment removed
 * (its record's `leaving`) are really gone: a delete that failed leaves a VM's NIC in Azure, holding
 * its address, while the record already describes the lab without it (deletes run after the stack's
 * outputs are registered: https://github.com/pulumi/pulumi/pull/15754; seen in the engine suite,
 * test/engine/failures.engine.ts). Each NIC still there is held like one a checkpoint lists
 * (`stillInState`): no new row gets its address, disks or NIC name, and the engine deletes it again
 * at the end of this run. Only a 404 means gone; any other answer stops the run with its message.
 *
 * Offline (the plan's mocks answer the lookup with what they were asked), every leaving machine is
 * held: the plan cannot know whether its delete succeeded, and says so.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { PreviousDeployment, StateMachine, previousDeployment } from "../input/lab/previous";
import { NAMESPACE } from "../input/stack/settings";

/** Whether a failed lookup means the NIC is gone (a 404), or the run must stop. */
function gone(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /\bResourceNotFound\b|\bNotFound\b|\b404\b/.test(text) && !/ResourceGroupNotFound/i.test(text);
}

/**
 * The previous deployment with its `leaving` machines whose NIC Azure still holds moved into
 * `stillInState`, and a warning for each. Throws with Azure's message on an answer other than found
 * or 404.
 */
export async function withLeftMachines(previous: PreviousDeployment | undefined): Promise<PreviousDeployment | undefined> {
  const leaving = previous?.record.leaving ?? [];
  if (!previous || leaving.length === 0) return previous;
  const group = previous.record.config[`${NAMESPACE}:resourceGroupName`];
  const held: StateMachine[] = [];
  for (const m of leaving) {
    if (!m.nicName || !group) continue;
    try {
      await network.getNetworkInterface({ resourceGroupName: group, networkInterfaceName: m.nicName });
      held.push({ ...m, hasVm: m.hasVm });
      pulumi.log.warn(`${m.vm} was removed by the last pulumi up, and its NIC ${m.nicName} still exists (its delete failed, or offline the plan cannot know): its address ${m.privateIp ?? "?"}, disks and NIC name are held, and pulumi up deletes it again at the end of this run`);
    } catch (err) {
      if (!gone(err)) throw new Error(`could not find out whether ${m.vm}'s NIC ${m.nicName}, removed by the last pulumi up, still holds its address ${m.privateIp ?? ""}; the run stops rather than hand the address out: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const names = new Set((previous.record.stillInState ?? []).map((m) => m.vm.toLowerCase()));
  return previousDeployment({ ...previous.record, stillInState: [...(previous.record.stillInState ?? []), ...held.filter((m) => !names.has(m.vm.toLowerCase()))] });
}
