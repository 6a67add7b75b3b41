// Prices are integers in whole units of the tenant's currency; display follows the tenant's locale.
const formatters = new Map<string, Intl.NumberFormat>();

export function formatPrice(amount: number, locale: string, currency: string): string {
  const key = `${locale}|${currency}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'symbol',
      maximumFractionDigits: 0,
      minimumFractionDigits: 0,
    });
    formatters.set(key, fmt);
  }
  // Intl separates "Rp" with a no-break space; the contract shows a plain one.
  return fmt.format(amount).replace(/\u00a0/g, ' ');
}
