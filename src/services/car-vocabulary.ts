// The brands and models buyers name in Indonesian showrooms, with the spellings they type, so a
// message like "ada hrv matic?" is read as Honda HR-V. Word-like model names ("rush", "city", "march")
// only count when the brand is written too, so "in a rush" is not a Toyota.

export type ModelEntry = {
  brand: string;
  model: string;
  /** Lower-case spellings; a space or hyphen inside also matches none, a space or a hyphen. */
  aliases: string[];
  /** The alias is an ordinary word: count it only when the brand also appears in the text. */
  needsBrand?: boolean;
};

export const BRANDS: { brand: string; aliases: string[] }[] = [
  { brand: 'Toyota', aliases: ['toyota'] },
  { brand: 'Honda', aliases: ['honda'] },
  { brand: 'Daihatsu', aliases: ['daihatsu'] },
  { brand: 'Mitsubishi', aliases: ['mitsubishi'] },
  { brand: 'Suzuki', aliases: ['suzuki'] },
  { brand: 'Nissan', aliases: ['nissan'] },
  { brand: 'Mazda', aliases: ['mazda'] },
  { brand: 'Hyundai', aliases: ['hyundai'] },
  { brand: 'Kia', aliases: ['kia'] },
  { brand: 'Wuling', aliases: ['wuling'] },
  { brand: 'Isuzu', aliases: ['isuzu'] },
  { brand: 'Chery', aliases: ['chery'] },
  { brand: 'DFSK', aliases: ['dfsk'] },
  { brand: 'BMW', aliases: ['bmw'] },
  { brand: 'Mercedes-Benz', aliases: ['mercedes benz', 'mercedes', 'mercy', 'benz'] },
  { brand: 'Lexus', aliases: ['lexus'] },
  { brand: 'BYD', aliases: ['byd'] },
];

const m = (brand: string, model: string, aliases: string[], needsBrand = false): ModelEntry => ({
  brand,
  model,
  aliases,
  ...(needsBrand ? { needsBrand } : {}),
});

export const MODELS: ModelEntry[] = [
  m('Toyota', 'Avanza', ['avanza', 'veloz']),
  m('Toyota', 'Innova', ['kijang innova', 'innova', 'zenix', 'reborn']),
  m('Toyota', 'Fortuner', ['fortuner']),
  m('Toyota', 'Yaris Cross', ['yaris cross']),
  m('Toyota', 'Yaris', ['yaris']),
  m('Toyota', 'Calya', ['calya']),
  m('Toyota', 'Agya', ['agya']),
  m('Toyota', 'Raize', ['raize']),
  m('Toyota', 'Rush', ['rush'], true),
  m('Toyota', 'Alphard', ['alphard']),
  m('Toyota', 'Camry', ['camry']),
  m('Toyota', 'Corolla Cross', ['corolla cross']),
  m('Toyota', 'Corolla', ['corolla', 'altis']),
  m('Toyota', 'Hilux', ['hilux']),
  m('Toyota', 'Sienta', ['sienta']),
  m('Toyota', 'Vios', ['vios']),
  m('Toyota', 'Land Cruiser', ['land cruiser', 'landcruiser']),
  m('Honda', 'Brio', ['brio']),
  m('Honda', 'Jazz', ['jazz']),
  m('Honda', 'HR-V', ['hr v']),
  m('Honda', 'CR-V', ['cr v']),
  m('Honda', 'BR-V', ['br v']),
  m('Honda', 'WR-V', ['wr v']),
  m('Honda', 'Mobilio', ['mobilio']),
  m('Honda', 'City', ['city'], true),
  m('Honda', 'Civic', ['civic']),
  m('Honda', 'Accord', ['accord'], true),
  m('Honda', 'Odyssey', ['odyssey']),
  m('Daihatsu', 'Xenia', ['xenia']),
  m('Daihatsu', 'Terios', ['terios']),
  m('Daihatsu', 'Ayla', ['ayla']),
  m('Daihatsu', 'Sigra', ['sigra']),
  m('Daihatsu', 'Rocky', ['rocky'], true),
  m('Daihatsu', 'Gran Max', ['gran max', 'granmax']),
  m('Daihatsu', 'Luxio', ['luxio']),
  m('Mitsubishi', 'Xpander', ['xpander cross', 'xpander']),
  m('Mitsubishi', 'Pajero Sport', ['pajero sport', 'pajero']),
  m('Mitsubishi', 'Outlander', ['outlander']),
  m('Mitsubishi', 'Mirage', ['mirage'], true),
  m('Mitsubishi', 'Triton', ['triton']),
  m('Mitsubishi', 'L300', ['l300', 'l 300']),
  m('Suzuki', 'Ertiga', ['ertiga']),
  m('Suzuki', 'XL7', ['xl7', 'xl 7']),
  m('Suzuki', 'Ignis', ['ignis']),
  m('Suzuki', 'Baleno', ['baleno']),
  m('Suzuki', 'Swift', ['swift'], true),
  m('Suzuki', 'Jimny', ['jimny']),
  m('Suzuki', 'APV', ['apv']),
  m('Suzuki', 'Carry', ['carry'], true),
  m('Suzuki', 'Karimun', ['karimun']),
  m('Nissan', 'Grand Livina', ['grand livina']),
  m('Nissan', 'Livina', ['livina']),
  m('Nissan', 'X-Trail', ['x trail']),
  m('Nissan', 'Serena', ['serena']),
  m('Nissan', 'Juke', ['juke']),
  m('Nissan', 'March', ['march'], true),
  m('Nissan', 'Terra', ['terra'], true),
  m('Nissan', 'Navara', ['navara']),
  m('Nissan', 'Kicks', ['kicks'], true),
  m('Mazda', 'CX-5', ['cx 5']),
  m('Mazda', 'CX-3', ['cx 3']),
  m('Mazda', 'CX-30', ['cx 30']),
  m('Mazda', 'CX-9', ['cx 9']),
  m('Mazda', 'Mazda2', ['mazda 2']),
  m('Mazda', 'Mazda3', ['mazda 3']),
  m('Hyundai', 'Creta', ['creta']),
  m('Hyundai', 'Stargazer', ['stargazer']),
  m('Hyundai', 'Ioniq 5', ['ioniq 5', 'ioniq']),
  m('Hyundai', 'Palisade', ['palisade']),
  m('Hyundai', 'Santa Fe', ['santa fe', 'santafe']),
  m('Hyundai', 'Tucson', ['tucson'], true),
  m('Kia', 'Sonet', ['sonet']),
  m('Kia', 'Seltos', ['seltos']),
  m('Kia', 'Carnival', ['carnival'], true),
  m('Wuling', 'Almaz', ['almaz']),
  m('Wuling', 'Confero', ['confero']),
  m('Wuling', 'Cortez', ['cortez']),
  m('Wuling', 'Alvez', ['alvez']),
  m('Wuling', 'Air ev', ['air ev', 'airev']),
  m('Isuzu', 'Panther', ['panther'], true),
  m('Isuzu', 'D-Max', ['d max']),
  m('Isuzu', 'MU-X', ['mu x']),
];

/** `hr v` → /\bhr[-\s]?v\b/: the spellings people type for one alias. */
export function aliasPattern(alias: string): RegExp {
  const body = alias
    .split(/[\s-]+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[-\\s]?');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
}

const brandPatterns = BRANDS.map((b) => ({ brand: b.brand, patterns: b.aliases.map(aliasPattern) }));
// Longer aliases first, so "grand livina" wins over "livina" and "yaris cross" over "yaris".
const modelPatterns = MODELS.flatMap((entry) => entry.aliases.map((alias) => ({ entry, alias })))
  .sort((a, b) => b.alias.length - a.alias.length)
  .map(({ entry, alias }) => ({ entry, pattern: aliasPattern(alias) }));

/** The first brand named in the text, or null. */
export function findBrand(text: string): string | null {
  let best: { brand: string; at: number } | null = null;
  for (const { brand, patterns } of brandPatterns) {
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (match && (!best || match.index < best.at)) best = { brand, at: match.index };
    }
  }
  return best?.brand ?? null;
}

/** The model named in the text (longest spelling wins), honouring `needsBrand`, or null. */
export function findModel(text: string, brand: string | null): ModelEntry | null {
  for (const { entry, pattern } of modelPatterns) {
    if (entry.needsBrand && entry.brand !== brand) continue;
    if (brand && entry.brand !== brand) continue;
    if (pattern.test(text)) return entry;
  }
  return null;
}
