/**
 * The currency the lab's money is shown in. Pure data and lookups.
 *
 * Azure bills a customer in the currency of the billing account's country, not of the region the
 * resources run in ("Azure users are always charged in their local currency", Microsoft Learn,
 * https://learn.microsoft.com/azure/cost-management-billing/microsoft-customer-agreement/microsoft-customer-agreement-faq).
 * The Azure Retail Prices API gives pay-as-you-go prices in a currency asked for with its
 * `currencyCode` parameter (USD by default; in other currencies the figures are USD converted
 * at Microsoft's current rate, so an invoice can differ a little:
 * https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices,
 * "Supported currencies").
 *
 * So the project keeps prices in the currency they were fetched in, and never converts them:
 * - `npm run prices` asks for the currency of the region's country ({@link regionCurrency}:
 *   GBP for uksouth and ukwest, EUR for westeurope), or `--currency`;
 * - the plan shows the bundled snapshot's currency, or, with the stack key `exchange-lab:currency`
 *   (the billing account's currency), only prices in that currency.
 */
import { regionCatalogue } from "./catalogues";

/** The `currencyCode` values the Retail Prices API documents (Learn, "Supported currencies"). */
export const RETAIL_CURRENCIES = ["USD", "AUD", "BRL", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "INR", "JPY", "KRW", "NOK", "NZD", "RUB", "SEK", "TWD"] as const;

/**
 * The local currency of each country or geography the region catalogue names (its
 * `physicalLocation`, else its `geography`), where the Retail Prices API has it; the others
 * (Poland's PLN, South Africa's ZAR, ...) are priced in USD. The currencies are the countries'
 * own (ISO 4217); Microsoft lists them per billing country in "Geographic availability and
 * currency support for the commercial marketplace"
 * (https://learn.microsoft.com/partner-center/marketplace-offers/marketplace-geo-availability-currencies).
 */
const LOCAL_CURRENCY: Readonly<Record<string, (typeof RETAIL_CURRENCIES)[number]>> = {
  "United Kingdom": "GBP",
  Netherlands: "EUR", Ireland: "EUR", France: "EUR", Germany: "EUR", Italy: "EUR", Spain: "EUR", Austria: "EUR", Belgium: "EUR", Finland: "EUR",
  Sweden: "SEK", Norway: "NOK", Switzerland: "CHF", Denmark: "DKK",
  Australia: "AUD", Brazil: "BRL", Canada: "CAD", India: "INR", Japan: "JPY", Korea: "KRW", "New Zealand": "NZD", Taiwan: "TWD",
};

/**
 * The currency of the country an ARM region (`uksouth`) is in, as {@link LOCAL_CURRENCY} gives
 * it: `GBP` for uksouth, `EUR` for westeurope (Netherlands) and northeurope (Ireland), `SEK` for
 * swedencentral; `USD` for a region elsewhere or one the catalogue lacks. A guess at the billing
 * currency of a user near the region, for defaults only: the stack key `currency` says it.
 */
export function regionCurrency(region: string): string {
  const entry = regionCatalogue().entries.find((r) => r.name === region);
  if (!entry) return "USD";
  return LOCAL_CURRENCY[entry.physicalLocation ?? ""] ?? LOCAL_CURRENCY[entry.geography ?? ""] ?? "USD";
}

/** Whether `code` is one of {@link RETAIL_CURRENCIES}. */
export function isRetailCurrency(code: string): boolean {
  return (RETAIL_CURRENCIES as readonly string[]).includes(code);
}
