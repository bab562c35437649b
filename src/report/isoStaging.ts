/**
 * The commands that stage the Exchange Server SE ISO for a lab, with the lab's own names: a
 * storage account in the lab's disk resource group (which no stack owns, so `pulumi destroy` keeps
 * it) and region, a private container, the upload, and a short-lived read-only user delegation SAS
 * stored as the stack's secret `exchangeIsoUrl`. The generic version, with its sources, is in
 * docs/domain-and-exchange.md ("Staging the ISO"); user delegation SAS:
 * https://learn.microsoft.com/azure/storage/blobs/storage-blob-user-delegation-sas-create-cli. Pure.
 */

/** What the commands are written for. */
export interface IsoStagingNames {
  /** The stack's `diskResourceGroupName`: it exists before the first `pulumi up`, and no stack owns it. */
  diskResourceGroupName: string;
  /** The stack's `azure-native:location`. */
  location: string;
  /** The stack's name, for `pulumi config set --stack`; omitted when unknown. */
  stackName?: string;
}

/** The shell lines (bash), one command each, continuation lines indented. */
export function isoStagingCommands(n: IsoStagingNames): string[] {
  const stack = n.stackName ? ` --stack ${n.stackName}` : "";
  return [
    "account=exlabiso$RANDOM   # 3-24 lower-case letters and digits, unique in Azure",
    `az group create --name ${n.diskResourceGroupName} --location ${n.location}   # the disk group, if it does not exist yet`,
    `az storage account create --name $account --resource-group ${n.diskResourceGroupName} --location ${n.location} --sku Standard_LRS --allow-blob-public-access false --min-tls-version TLS1_2`,
    "az role assignment create --assignee $(az ad signed-in-user show --query id -o tsv) --role \"Storage Blob Data Contributor\" --scope $(az storage account show --name $account --query id -o tsv)",
    "az storage container create --account-name $account --name iso --auth-mode login",
    "az storage blob upload --account-name $account --container-name iso --name ExchangeServerSE-x64.iso --file ./ExchangeServerSE-x64.iso --auth-mode login",
    "expiry=$(date -u -d '+2 days' '+%Y-%m-%dT%H:%MZ')   # a user delegation SAS lives at most 7 days",
    "url=$(az storage blob generate-sas --account-name $account --container-name iso --name ExchangeServerSE-x64.iso --permissions r --expiry $expiry --https-only --auth-mode login --as-user --full-uri --output tsv)",
    `pulumi config set${stack} --secret exchange-lab:exchangeIsoUrl "$url"${n.stackName ? `   # after pulumi stack init ${n.stackName}` : ""}`,
  ];
}
