// What the program declares, read back from Pulumi's mock runtime (the offline plan's engine).
import { strict as assert } from "assert";
import { PlanResource, PlanResult } from "../src/plan/plan";
import { HEADER, dig, planOf, sharedExamplePlan } from "./helpers";

const byType = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === type);
const one = (plan: PlanResult, type: string, name: string): PlanResource => {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type} ${name} was not declared`);
  return found;
};

describe("the declared Azure resources (mock runtime)", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("declares the owned resource group in the stack's region", () => {
    const rg = one(plan, "azure-native:resources:ResourceGroup", "exchange-lab").inputs;
    assert.deepEqual(rg, { resourceGroupName: "exchange-lab", location: "westeurope" });
  });

  it("declares the virtual network with the stack's address space", () => {
    const vnet = one(plan, "azure-native:network:VirtualNetwork", "MCMHybrid").inputs;
    assert.deepEqual(dig(vnet, "addressSpace", "addressPrefixes"), ["10.20.0.0/16"]);
    assert.equal(vnet.resourceGroupName, "exchange-lab");
  });

  it("declares GatewaySubnet and one subnet per stack subnet, one after another", () => {
    const subnets = byType(plan, "azure-native:network:Subnet");
    assert.deepEqual(subnets.map((s) => [s.inputs.subnetName, s.inputs.addressPrefix, s.inputs.virtualNetworkName]), [
      ["GatewaySubnet", "10.20.0.0/27", "MCMHybrid"],
      ["Oxford", "10.20.1.0/24", "MCMHybrid"],
      ["London", "10.20.2.0/24", "MCMHybrid"],
    ]);
    assert.ok(subnets[1].dependsOn.includes("GatewaySubnet") && subnets[2].dependsOn.includes("Oxford"));
  });

  it("gives each online VM a NIC with its static private IP in its subnet", () => {
    const nic = one(plan, "azure-native:network:NetworkInterface", "mh-oxf-ex1-nic").inputs;
    const ipConfig = dig(nic, "ipConfigurations", 0);
    assert.equal(dig(ipConfig, "privateIPAllocationMethod"), "Static");
    assert.equal(dig(ipConfig, "privateIPAddress"), "10.20.1.10");
    assert.match(String(dig(ipConfig, "subnet", "id")), /\/virtualNetworks\/MCMHybrid\/subnets\/Oxford$/);
  });

  it("declares no VM or NIC for a BringOnline=No row", () => {
    assert.ok(!plan.resources.some((r) => r.name.startsWith("mh-oxf-cl1")));
    assert.deepEqual(byType(plan, "azure-native:compute:VirtualMachine").map((r) => r.name), ["mh-oxf-dc1", "mh-lon-dc1", "mh-oxf-ex1", "mh-lon-ex1"]);
  });

  it("attaches each existing OS disk from diskResourceGroupName with Attach and Detach", () => {
    for (const vm of byType(plan, "azure-native:compute:VirtualMachine")) {
      const osDisk = dig(vm.inputs, "storageProfile", "osDisk");
      assert.equal(dig(osDisk, "createOption"), "Attach", vm.name);
      assert.equal(dig(osDisk, "deleteOption"), "Detach", vm.name);
      assert.equal(dig(osDisk, "osType"), "Windows", vm.name);
      assert.equal(
        dig(osDisk, "managedDisk", "id"),
        `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/${vm.name}-os`,
      );
      assert.equal(vm.inputs.osProfile, undefined, "an attached disk carries its own OS: no osProfile");
    }
  });

  it("uses a full disk ID from the CSV as written", async () => {
    const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/dc-os";
    const p = await planOf(`${HEADER}\nYes,dc,,${id},Small,Oxford,,,,No,\n`);
    assert.equal(p.vms[0].osDiskId, id);
  });

  it("declares no disk, no storage account and not the disk resource group", () => {
    for (const r of plan.resources) {
      assert.ok(!/:(compute:Disk|compute:Snapshot|storage:|compute:Image)/.test(r.type), `${r.type} ${r.name}`);
      if (r.type === "azure-native:resources:ResourceGroup") assert.notEqual(r.inputs.resourceGroupName, "exchange-lab-disks");
    }
  });

  it("protects disks from every teardown path: no resource is retained or protected, VMs and NICs delete before replace", () => {
    // Only run commands (readiness gates, role steps) leave the state without a call to Azure: they hold no disk,
    // and Azure refuses run-command deletes on a deallocated VM (readinessGate.ts).
    for (const r of plan.resources) assert.deepEqual([r.options.retainOnDelete, r.options.protect], [r.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", false], r.name);
    for (const r of [...byType(plan, "azure-native:compute:VirtualMachine"), ...byType(plan, "azure-native:network:NetworkInterface")]) {
      assert.equal(r.options.deleteBeforeReplace, true, r.name);
    }
  });

  it("creates VMs in boot order: each VM's dependsOn is its barriers' readiness gates", () => {
    const deps = Object.fromEntries(byType(plan, "azure-native:compute:VirtualMachine").map((r) => [r.name, r.dependsOn.filter((d) => !d.endsWith("-nic") && d !== "exchange-lab")]));
    assert.deepEqual(deps, { "mh-oxf-dc1": [], "mh-lon-dc1": ["mh-oxf-dc1-ready"], "mh-oxf-ex1": ["mh-lon-dc1-ready"], "mh-lon-ex1": ["mh-lon-dc1-ready"] });
  });

  it("sizes each VM from its classic size", () => {
    const sizes = Object.fromEntries(byType(plan, "azure-native:compute:VirtualMachine").map((r) => [r.name, dig(r.inputs, "hardwareProfile", "vmSize")]));
    assert.deepEqual(sizes, { "mh-oxf-dc1": "Standard_B1ms", "mh-lon-dc1": "Standard_B1ms", "mh-oxf-ex1": "Standard_B4ms", "mh-lon-ex1": "Standard_B4ms" });
  });

  it("places every resource in the stack's region", () => {
    for (const r of plan.resources) if ("location" in r.inputs) assert.equal(r.inputs.location, "westeurope", r.name);
  });

  it("declares nothing when the input is invalid", async () => {
    const p = await planOf(`${HEADER}\nYes,dc,,dc-os,Huge,Oxford,,,,No,\n`);
    assert.deepEqual(p.resources, []);
    assert.equal(p.errors.length, 1);
  });
});

describe("every CSV rule, through the program under the mock runtime", () => {
  // One failing row per rule: the plan reports it at its line and column and declares nothing.
  const cases: [string, string, string][] = [
    ["BringOnline", "Maybe,dc1,,dc1-os,Small,Oxford,,,,No,", "expected Yes or No"],
    ["VMName", "Yes,dc_1,,dc1-os,Small,Oxford,,,,No,", "not a valid Windows VM name"],
    ["VMOSDiskName", "Yes,dc1,,/subscriptions/x/disks/y,Small,Oxford,,,,No,", "not a managed disk resource ID"],
    ["VMInstanceSize", "Yes,dc1,,dc1-os,Standard_A2,Oxford,,,,No,", "retired"],
    ["SubnetName", "Yes,dc1,,dc1-os,Small,Paris,,,,No,", "not a subnet of the stack"],
    ["IPAddress", "Yes,dc1,,dc1-os,Small,Oxford,10.20.1.3,,,No,", "reserved by Azure"],
    ["Location", "Yes,dc1,,dc1-os,Small,Oxford,,East US,,No,", "not the stack's region"],
    ["WaitForBoot", "Yes,dc1,,dc1-os,Small,Oxford,,,,Sometimes,", "expected Yes or No"],
    ["PublicRDPPort", "Yes,dc1,,dc1-os,Small,Oxford,,,,No,65535", "1 to 65534"],
  ];
  for (const [column, row, message] of cases) {
    it(`${column}: reports the bad cell and declares nothing`, async () => {
      const p = await planOf(`${HEADER}\n${row}\n`);
      assert.deepEqual(p.resources, []);
      assert.equal(p.errors.length, 1, JSON.stringify(p.errors));
      assert.deepEqual([p.errors[0].line, p.errors[0].column], [2, column]);
      assert.ok(p.errors[0].message.includes(message), p.errors[0].message);
    });
  }

  it("plans the classic example row with the subnet's .4 and a current size", async () => {
    const p = await planOf(`${HEADER}\nYes,mh-oxf-dc1,portalvhdsjv47jtq9qdrmb,mh-oxf-mbx2-mh-oxf-mbx2-0-201312301745030496,Small,Oxford,,West Europe,C7Solutions-AG,Yes,3389\n`);
    assert.deepEqual(p.errors, []);
    const vm = p.resources.find((r) => r.type === "azure-native:compute:VirtualMachine")!;
    const nic = p.resources.find((r) => r.type === "azure-native:network:NetworkInterface")!;
    assert.equal(dig(vm.inputs, "hardwareProfile", "vmSize"), "Standard_B1ms");
    assert.equal(dig(nic.inputs, "ipConfigurations", 0, "privateIPAddress"), "10.20.1.4");
  });
});
